/**
 * The waveform of a PCM WAV recording, computed on the server: `buckets` peak values (0–1,
 * largest absolute sample in each slice of the file) and the duration, so the supervisor's
 * player draws a waveform without downloading and decoding the whole file in the browser.
 * Reads the file as a stream (a long call is never held in memory). Anything other than
 * 8/16-bit PCM answers null: the player then shows no waveform but still plays and seeks.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';

export interface Waveform {
  durationSeconds: number;
  sampleRate: number;
  peaks: number[];
}

interface PcmLayout {
  sampleRate: number;
  channels: number;
  bytesPerSample: 1 | 2;
  dataOffset: number;
  dataBytes: number;
}

/** Reads RIFF chunks until `data`: the layout of the samples, or null when not PCM 8/16-bit. */
async function pcmLayout(path: string, fileSize: number): Promise<PcmLayout | null> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(Math.min(fileSize, 4096));
    await handle.read(head, 0, head.length, 0);
    if (head.length < 12 || head.toString('ascii', 0, 4) !== 'RIFF' || head.toString('ascii', 8, 12) !== 'WAVE') return null;
    let fmt: { channels: number; sampleRate: number; bits: number; format: number } | null = null;
    for (let at = 12; at + 8 <= head.length; ) {
      const id = head.toString('ascii', at, at + 4);
      const size = head.readUInt32LE(at + 4);
      if (id === 'fmt ' && at + 24 <= head.length) {
        fmt = { format: head.readUInt16LE(at + 8), channels: head.readUInt16LE(at + 10), sampleRate: head.readUInt32LE(at + 12), bits: head.readUInt16LE(at + 22) };
      } else if (id === 'data') {
        if (!fmt || fmt.format !== 1 || (fmt.bits !== 8 && fmt.bits !== 16) || fmt.channels < 1 || fmt.sampleRate < 1) return null;
        const dataOffset = at + 8;
        return { sampleRate: fmt.sampleRate, channels: fmt.channels, bytesPerSample: fmt.bits === 8 ? 1 : 2, dataOffset, dataBytes: Math.min(size, fileSize - dataOffset) };
      }
      at += 8 + size + (size % 2);
    }
    return null;
  } finally {
    await handle.close();
  }
}

export async function wavWaveform(path: string, fileSize: number, buckets: number): Promise<Waveform | null> {
  const layout = await pcmLayout(path, fileSize);
  if (!layout) return null;
  const frameBytes = layout.bytesPerSample * layout.channels;
  const frames = Math.floor(layout.dataBytes / frameBytes);
  const peaks = new Array<number>(buckets).fill(0);
  const durationSeconds = frames / layout.sampleRate;
  if (frames === 0) return { durationSeconds, sampleRate: layout.sampleRate, peaks };
  const full = layout.bytesPerSample === 2 ? 32768 : 128;

  let sampleNo = 0;
  let carry: Buffer = Buffer.alloc(0);
  const stream = createReadStream(path, { start: layout.dataOffset, end: layout.dataOffset + frames * frameBytes - 1, highWaterMark: 64 * 1024 });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const bytes = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    const whole = bytes.length - (bytes.length % layout.bytesPerSample);
    for (let i = 0; i < whole; i += layout.bytesPerSample) {
      // Every channel's samples count toward the frame's slice.
      const sample = layout.bytesPerSample === 2 ? bytes.readInt16LE(i) : bytes[i]! - 128;
      const bucket = Math.min(buckets - 1, Math.floor((Math.floor(sampleNo / layout.channels) * buckets) / frames));
      const level = Math.abs(sample) / full;
      if (level > peaks[bucket]!) peaks[bucket] = level;
      sampleNo++;
    }
    carry = bytes.subarray(whole);
  }
  return { durationSeconds, sampleRate: layout.sampleRate, peaks: peaks.map((p) => Math.round(Math.min(1, p) * 1000) / 1000) };
}
