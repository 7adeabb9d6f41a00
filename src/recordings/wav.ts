/**
 * A small WAV writer for generated audio: RIFF/WAVE, PCM 16-bit mono. The simulated call
 * floor uses it to produce recordings that play like a call (two voices taking turns as
 * alternating tones) without shipping audio files.
 */

export interface ToneWavOptions {
  seconds: number;
  sampleRate?: number;
  /** Pitch of the first voice; the second speaks a fifth higher. */
  frequencyHz: number;
  /** Varies turn lengths and loudness, so two recordings differ; same seed, same bytes. */
  seed?: number;
}

const HEADER_BYTES = 44;
const BITS_PER_SAMPLE = 16;

export function generateToneWav(options: ToneWavOptions): Uint8Array {
  const sampleRate = options.sampleRate ?? 8000;
  if (!(options.seconds >= 0) || !Number.isFinite(options.seconds)) throw new RangeError('seconds must be a finite number >= 0');
  if (!Number.isInteger(sampleRate) || sampleRate <= 0) throw new RangeError('sampleRate must be a positive integer');
  const samples = Math.round(options.seconds * sampleRate);
  const bytes = new Uint8Array(HEADER_BYTES + samples * 2);
  const view = new DataView(bytes.buffer);
  writeHeader(view, sampleRate, samples * 2);

  const voices = [options.frequencyHz, options.frequencyHz * 1.5];
  let state = (options.seed ?? 1) >>> 0 || 1;
  const nextUnit = () => {
    // xorshift32: enough to vary turns, and cheap.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4_294_967_296;
  };

  let voice = 0;
  let turnLeft = 0;
  let amplitude = 0;
  let phase = 0;
  const fade = Math.max(1, Math.round(sampleRate * 0.01));
  let turnLength = 0;
  for (let i = 0; i < samples; i++) {
    if (turnLeft === 0) {
      voice = 1 - voice;
      turnLength = turnLeft = Math.max(fade * 2 + 1, Math.round(sampleRate * (0.25 + 0.5 * nextUnit())));
      amplitude = 6000 + 6000 * nextUnit();
    }
    const position = turnLength - turnLeft;
    const envelope = Math.min(1, position / fade, turnLeft / fade);
    phase += (2 * Math.PI * voices[voice]!) / sampleRate;
    if (phase > 2 * Math.PI) phase -= 2 * Math.PI;
    view.setInt16(HEADER_BYTES + i * 2, Math.round(amplitude * envelope * Math.sin(phase)), true);
    turnLeft--;
  }
  return bytes;
}

function writeHeader(view: DataView, sampleRate: number, dataBytes: number): void {
  const blockAlign = BITS_PER_SAMPLE / 8;
  writeAscii(view, 0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  writeAscii(view, 8, 'WAVE');
  writeAscii(view, 12, 'fmt ');
  view.setUint32(16, 16, true); // fmt chunk size
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * blockAlign, true); // byte rate
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, BITS_PER_SAMPLE, true);
  writeAscii(view, 36, 'data');
  view.setUint32(40, dataBytes, true);
}

function writeAscii(view: DataView, offset: number, text: string): void {
  for (let i = 0; i < text.length; i++) view.setUint8(offset + i, text.charCodeAt(i));
}
