/**
 * A small WAV writer for generated audio: RIFF/WAVE, PCM 16-bit mono. The simulated call
 * floor uses it to produce recordings that play like a call (two voices taking turns as
 * alternating tones) and last as long as the call's talk, without shipping audio files.
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

/** Samples per chunk of the streamed file: one second at 8 kHz, 16 KB. */
const CHUNK_SAMPLES = 8000;

/**
 * The WAV as a sequence of chunks (the header first), so a long call's recording is written
 * without holding it in memory: 16 KB per second of audio at the default 8 kHz.
 */
export function* toneWavChunks(options: ToneWavOptions): Generator<Uint8Array> {
  const sampleRate = options.sampleRate ?? 8000;
  if (!(options.seconds >= 0) || !Number.isFinite(options.seconds)) throw new RangeError('seconds must be a finite number >= 0');
  if (!Number.isInteger(sampleRate) || sampleRate <= 0) throw new RangeError('sampleRate must be a positive integer');
  const samples = Math.round(options.seconds * sampleRate);
  const header = new Uint8Array(HEADER_BYTES);
  writeHeader(new DataView(header.buffer), sampleRate, samples * 2);
  yield header;

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
  for (let done = 0; done < samples; ) {
    const count = Math.min(CHUNK_SAMPLES, samples - done);
    const chunk = new Uint8Array(count * 2);
    const view = new DataView(chunk.buffer);
    for (let i = 0; i < count; i++) {
      if (turnLeft === 0) {
        voice = 1 - voice;
        turnLength = turnLeft = Math.max(fade * 2 + 1, Math.round(sampleRate * (0.25 + 0.5 * nextUnit())));
        amplitude = 6000 + 6000 * nextUnit();
      }
      const position = turnLength - turnLeft;
      const envelope = Math.min(1, position / fade, turnLeft / fade);
      phase += (2 * Math.PI * voices[voice]!) / sampleRate;
      if (phase > 2 * Math.PI) phase -= 2 * Math.PI;
      view.setInt16(i * 2, Math.round(amplitude * envelope * Math.sin(phase)), true);
      turnLeft--;
    }
    done += count;
    yield chunk;
  }
}

/** The same file in one buffer. */
export function generateToneWav(options: ToneWavOptions): Uint8Array {
  const chunks = [...toneWavChunks(options)];
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.byteLength;
  }
  return bytes;
}

/** The streamed file for a recording store, which writes chunk by chunk. */
export async function* toneWavStream(options: ToneWavOptions): AsyncGenerator<Uint8Array> {
  yield* toneWavChunks(options);
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
