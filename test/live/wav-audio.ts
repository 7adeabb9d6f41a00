/**
 * WAV audio for the live browser tests: a tone file for a fake microphone, and what a stretch of
 * a call's recording holds (RMS, energy at given tone frequencies, and the rest, e.g. speech).
 */
import { writeFileSync } from 'node:fs';

/** `seconds` of a `hz` tone, 16-bit mono 48 kHz (Chromium's fake microphone loops the file). */
export function writeToneWav(path: string, hz: number, seconds = 10): void {
  const rate = 48_000;
  const samples = rate * seconds;
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) data.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / rate)), i * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  writeFileSync(path, Buffer.concat([header, data]));
}

export interface Pcm {
  rate: number;
  samples: Int16Array;
  seconds: number;
}

/** The samples of a 16-bit mono PCM WAV (Asterisk's `wav` recordings are 8 kHz). */
export function readPcm(bytes: Buffer): Pcm {
  const rate = bytes.readUInt32LE(24);
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString('ascii', offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    if (id === 'data') {
      const end = Math.min(bytes.length, offset + 8 + size);
      const samples = new Int16Array(Math.floor((end - offset - 8) / 2));
      for (let i = 0; i < samples.length; i++) samples[i] = bytes.readInt16LE(offset + 8 + i * 2);
      return { rate, samples, seconds: samples.length / rate };
    }
    offset += 8 + size + (size % 2);
  }
  return { rate, samples: new Int16Array(0), seconds: 0 };
}

export interface Stretch {
  /** Seconds from the start of the recording. */
  from: number;
  to: number;
  rms: number;
  /**
   * Each tone's level (Hz → RMS): per 100 ms block the energy in its bin less the mean of the
   * bins 60 Hz below and above, and of the blocks the median. A steady tone is in nearly every
   * block; speech has a harmonic at a given frequency only now and then, and the neighbouring
   * bins take out what it spreads.
   */
  tones: Record<number, number>;
  /** RMS of what is left without the tones: the customer's speech, music. */
  rest: number;
}

/**
 * Measures [from, to) seconds of the recording. The tones' energy is summed over 100 ms blocks
 * with the Goertzel filter (a bin 10 Hz wide: a tone stays in it, speech moves through it;
 * 440 and 660 Hz make whole cycles in 100 ms).
 */
export function measureStretch(pcm: Pcm, from: number, to: number, tones: readonly number[]): Stretch {
  const block = Math.round(pcm.rate / 10);
  const first = Math.max(0, Math.round(from * pcm.rate));
  const last = Math.min(pcm.samples.length, Math.round(to * pcm.rate));
  let total = 0;
  let count = 0;
  const NEIGHBOUR = 60;
  const bins = [...new Set(tones.flatMap((hz) => [hz - NEIGHBOUR, hz, hz + NEIGHBOUR]))];
  const binEnergy = new Map<number, number>(bins.map((hz) => [hz, 0]));
  const perBlock = new Map<number, number[]>(tones.map((hz) => [hz, []]));
  for (let start = first; start + block <= last; start += block) {
    let energy = 0;
    for (let i = start; i < start + block; i++) energy += pcm.samples[i]! ** 2;
    total += energy;
    count += block;
    const blockBins = new Map<number, number>();
    for (const hz of bins) {
      const coefficient = 2 * Math.cos((2 * Math.PI * hz) / pcm.rate);
      let s1 = 0;
      let s2 = 0;
      for (let i = start; i < start + block; i++) {
        const s0 = pcm.samples[i]! + coefficient * s1 - s2;
        s2 = s1;
        s1 = s0;
      }
      const power = s1 * s1 + s2 * s2 - coefficient * s1 * s2;
      // A sine of amplitude A over N samples gives power (A·N/2)²; its energy is A²·N/2.
      const e = energy === 0 ? 0 : Math.min(energy, (2 * power) / block);
      blockBins.set(hz, e);
      binEnergy.set(hz, binEnergy.get(hz)! + e);
    }
    for (const hz of tones) {
      const net = Math.max(0, blockBins.get(hz)! - (blockBins.get(hz - NEIGHBOUR)! + blockBins.get(hz + NEIGHBOUR)!) / 2);
      perBlock.get(hz)!.push(Math.sqrt(net / block));
    }
  }
  const rms = (e: number) => (count ? Math.sqrt(Math.max(0, e) / count) : 0);
  const tonesRms: Record<number, number> = {};
  let toneSum = 0;
  for (const hz of tones) {
    toneSum += Math.max(0, binEnergy.get(hz)! - (binEnergy.get(hz - NEIGHBOUR)! + binEnergy.get(hz + NEIGHBOUR)!) / 2);
    const levels = perBlock.get(hz)!.sort((a, b) => a - b);
    tonesRms[hz] = levels.length ? levels[Math.floor(levels.length / 2)]! : 0;
  }
  return { from, to, rms: rms(total), tones: tonesRms, rest: rms(total - toneSum) };
}

export const formatStretch = (name: string, s: Stretch) =>
  `${name.padEnd(16)} ${s.from.toFixed(1).padStart(5)}-${s.to.toFixed(1).padEnd(5)} s  RMS ${s.rms.toFixed(0).padStart(5)}  ` +
  Object.entries(s.tones)
    .map(([hz, v]) => `${hz} Hz ${v.toFixed(0).padStart(5)}`)
    .join('  ') +
  `  rest ${s.rest.toFixed(0).padStart(5)}`;
