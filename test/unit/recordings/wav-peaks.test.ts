/**
 * The waveform of a WAV file, read as a stream: peaks follow the loudness of each slice
 * (silence 0, full scale 1), stereo and 8-bit PCM are read too, the duration comes from the
 * data size, and a file that is not PCM WAV gives null (the player then shows no waveform).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { wavWaveform } from '../../../src/recordings/wav-peaks.ts';

const dir = mkdtempSync(join(tmpdir(), 'ccs-peaks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A PCM WAV with an extra chunk before `data` (as some recorders write). */
function wav(name: string, options: { rate: number; channels: number; bits: 8 | 16; format?: number }, samples: number[]): { path: string; size: number } {
  const bytesPer = options.bits / 8;
  const data = Buffer.alloc(samples.length * bytesPer);
  samples.forEach((s, i) => (options.bits === 16 ? data.writeInt16LE(s, i * 2) : data.writeUInt8(s + 128, i)));
  const list = Buffer.from('LIST\x04\x00\x00\x00INFO', 'latin1');
  const fmt = Buffer.alloc(24);
  fmt.write('fmt ', 0, 'ascii');
  fmt.writeUInt32LE(16, 4);
  fmt.writeUInt16LE(options.format ?? 1, 8);
  fmt.writeUInt16LE(options.channels, 10);
  fmt.writeUInt32LE(options.rate, 12);
  fmt.writeUInt32LE(options.rate * options.channels * bytesPer, 16);
  fmt.writeUInt16LE(options.channels * bytesPer, 20);
  fmt.writeUInt16LE(options.bits, 22);
  const head = Buffer.alloc(12);
  head.write('RIFF', 0, 'ascii');
  head.writeUInt32LE(4 + fmt.length + list.length + 8 + data.length, 4);
  head.write('WAVE', 8, 'ascii');
  const dataHead = Buffer.alloc(8);
  dataHead.write('data', 0, 'ascii');
  dataHead.writeUInt32LE(data.length, 4);
  const file = Buffer.concat([head, fmt, list, dataHead, data]);
  const path = join(dir, name);
  writeFileSync(path, file);
  return { path, size: file.length };
}

describe('WAV waveform', () => {
  it('16-bit mono: a silent half and a full-scale half', async () => {
    const f = wav('mono.wav', { rate: 8000, channels: 1, bits: 16 }, [...Array(8000).fill(0), ...Array(8000).fill(-32768)]);
    const w = await wavWaveform(f.path, f.size, 4);
    expect(w).toEqual({ durationSeconds: 2, sampleRate: 8000, peaks: [0, 0, 1, 1] });
  });

  it('16-bit stereo: each frame counts once toward its slice, either channel loud', async () => {
    const frames = 4000;
    const samples: number[] = [];
    for (let i = 0; i < frames; i++) samples.push(0, i < frames / 2 ? 16384 : 0);
    const f = wav('stereo.wav', { rate: 4000, channels: 2, bits: 16 }, samples);
    const w = await wavWaveform(f.path, f.size, 2);
    expect(w).toEqual({ durationSeconds: 1, sampleRate: 4000, peaks: [0.5, 0] });
  });

  it('8-bit PCM is read too', async () => {
    const f = wav('eight.wav', { rate: 1000, channels: 1, bits: 8 }, [...Array(500).fill(64), ...Array(500).fill(0)]);
    expect(await wavWaveform(f.path, f.size, 2)).toEqual({ durationSeconds: 1, sampleRate: 1000, peaks: [0.5, 0] });
  });

  it('not PCM (a compressed format, or not a WAV at all): null', async () => {
    const alaw = wav('alaw.wav', { rate: 8000, channels: 1, bits: 8, format: 6 }, Array(100).fill(1));
    expect(await wavWaveform(alaw.path, alaw.size, 10)).toBeNull();
    const path = join(dir, 'not.wav');
    writeFileSync(path, 'ID3 this is an mp3');
    expect(await wavWaveform(path, 18, 10)).toBeNull();
  });
});
