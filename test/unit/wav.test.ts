/** The generated WAV: a well-formed RIFF/WAVE PCM 16-bit mono file holding audible audio. */
import { describe, expect, it } from 'vitest';
import { generateToneWav } from '../../src/recordings/wav.ts';

const ascii = (bytes: Uint8Array, from: number, length: number) => new TextDecoder().decode(bytes.subarray(from, from + length));

describe('generateToneWav', () => {
  it('writes a RIFF/WAVE PCM 16-bit mono header that matches the data', () => {
    const wav = generateToneWav({ seconds: 1.5, frequencyHz: 220 });
    const view = new DataView(wav.buffer, wav.byteOffset, wav.byteLength);
    expect(ascii(wav, 0, 4)).toBe('RIFF');
    expect(view.getUint32(4, true)).toBe(wav.byteLength - 8);
    expect(ascii(wav, 8, 4)).toBe('WAVE');
    expect(ascii(wav, 12, 4)).toBe('fmt ');
    expect(view.getUint32(16, true)).toBe(16);
    expect(view.getUint16(20, true)).toBe(1); // PCM
    expect(view.getUint16(22, true)).toBe(1); // mono
    expect(view.getUint32(24, true)).toBe(8000);
    expect(view.getUint32(28, true)).toBe(16_000); // byte rate
    expect(view.getUint16(32, true)).toBe(2); // block align
    expect(view.getUint16(34, true)).toBe(16);
    expect(ascii(wav, 36, 4)).toBe('data');
    expect(view.getUint32(40, true)).toBe(12_000 * 2);
    expect(wav.byteLength).toBe(44 + 24_000);
  });

  it('holds audible, non-silent samples in every half second', () => {
    const wav = generateToneWav({ seconds: 2, frequencyHz: 200, seed: 9 });
    const view = new DataView(wav.buffer, wav.byteOffset, wav.byteLength);
    const samples = (wav.byteLength - 44) / 2;
    const window = 4000;
    for (let start = 0; start < samples; start += window) {
      let sum = 0;
      for (let i = start; i < start + window; i++) sum += view.getInt16(44 + i * 2, true) ** 2;
      expect(Math.sqrt(sum / window)).toBeGreaterThan(1000);
    }
  });

  it('honours the sample rate, and the same seed gives the same bytes', () => {
    const a = generateToneWav({ seconds: 0.5, sampleRate: 16_000, frequencyHz: 300, seed: 4 });
    expect(new DataView(a.buffer).getUint32(24, true)).toBe(16_000);
    expect(a.byteLength).toBe(44 + 16_000);
    const same = (b: Uint8Array) => Buffer.from(b).equals(Buffer.from(a));
    expect(same(generateToneWav({ seconds: 0.5, sampleRate: 16_000, frequencyHz: 300, seed: 4 }))).toBe(true);
    expect(same(generateToneWav({ seconds: 0.5, sampleRate: 16_000, frequencyHz: 300, seed: 5 }))).toBe(false);
  });

  it('writes a valid empty file for zero seconds and refuses nonsense', () => {
    expect(generateToneWav({ seconds: 0, frequencyHz: 200 }).byteLength).toBe(44);
    expect(() => generateToneWav({ seconds: -1, frequencyHz: 200 })).toThrow(RangeError);
    expect(() => generateToneWav({ seconds: 1, sampleRate: 0, frequencyHz: 200 })).toThrow(RangeError);
  });
});
