/**
 * Helpers of the live tests (test/live): bounded waits, ARI requests of the test's own, SIPp
 * phones started by the suite, and "ears": a UDP socket where a silent SIPp phone
 * (sipp/listener.xml) has Asterisk send its RTP, so a test measures what that party hears.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export async function waitFor(predicate: () => boolean | Promise<boolean>, what: string, limitMs: number): Promise<void> {
  for (const started = Date.now(); !(await predicate()); ) {
    if (Date.now() - started > limitMs) throw new Error(`timed out after ${limitMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** RMS of the 16-bit PCM samples of a WAV file (0 for silence). */
export function wavRms(bytes: Buffer): number {
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString('ascii', offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    if (id === 'data') {
      let sum = 0;
      const end = Math.min(bytes.length, offset + 8 + size);
      const count = Math.floor((end - offset - 8) / 2);
      for (let i = 0; i < count; i++) sum += bytes.readInt16LE(offset + 8 + i * 2) ** 2;
      return count ? Math.sqrt(sum / count) : 0;
    }
    offset += 8 + size + (size % 2);
  }
  return 0;
}

/** Plain ARI requests (the test's own view of Asterisk). */
export class AriProbe {
  private readonly auth: string;
  constructor(
    private readonly url: string,
    user: string,
    password: string,
  ) {
    this.auth = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  }

  async request<T = unknown>(method: string, path: string): Promise<{ status: number; body: T | null }> {
    const response = await fetch(`${this.url}/ari${path}`, { method, headers: { authorization: this.auth }, signal: AbortSignal.timeout(5000) });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as T) : null };
  }

  /** The channel ids in a bridge, or null when there is no such bridge. */
  async bridgeChannels(bridgeId: string): Promise<string[] | null> {
    const { status, body } = await this.request<{ channels: string[] }>('GET', `/bridges/${encodeURIComponent(bridgeId)}`);
    return status === 200 && body ? body.channels : null;
  }

  async channel(id: string): Promise<{ id: string; name: string; state: string; creationtime: string } | null> {
    const { status, body } = await this.request<{ id: string; name: string; state: string; creationtime: string }>('GET', `/channels/${encodeURIComponent(id)}`);
    return status === 200 ? body : null;
  }

  /** Where Asterisk receives a PJSIP channel's RTP (host:port). */
  async rtpAddress(id: string): Promise<string> {
    const { body } = await this.request<{ value: string }>('GET', `/channels/${encodeURIComponent(id)}/variable?variable=${encodeURIComponent('CHANNEL(rtp,src)')}`);
    if (!body?.value) throw new Error(`no RTP address for channel ${id}`);
    return body.value;
  }

  async channels(): Promise<Array<{ id: string; name: string; state: string }>> {
    return (await this.request<Array<{ id: string; name: string; state: string }>>('GET', '/channels')).body ?? [];
  }

  /** Hangs up every channel whose name matches (what a stopped driver leaves up, e.g. parked lines). */
  async hangUpMatching(name: RegExp): Promise<number> {
    let count = 0;
    for (const channel of await this.channels()) {
      if (!name.test(channel.name)) continue;
      await this.request('DELETE', `/channels/${encodeURIComponent(channel.id)}`);
      count++;
    }
    return count;
  }
}

/** A SIPp UAS run by the suite (deploy/asterisk/sipp/<scenario>), stopped by `stop()`. */
export class SippPhone {
  private child: ChildProcess | null = null;
  private readonly dir = mkdtempSync(join(tmpdir(), 'ccs-sipp-'));
  private output = '';

  constructor(
    readonly scenario: string,
    readonly sipPort: number,
    readonly mediaPort: number,
    private readonly extra: string[] = [],
  ) {}

  async start(): Promise<void> {
    const file = resolve('deploy/asterisk/sipp', this.scenario);
    const args = ['-sf', file, '-i', '127.0.0.1', '-p', String(this.sipPort), '-mi', '127.0.0.1', '-mp', String(this.mediaPort), '-aa', '-nostdin', '-nd', ...this.extra];
    const child = spawn('sipp', args, { cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout?.on('data', (d: Buffer) => (this.output = (this.output + d.toString()).slice(-4000)));
    child.stderr?.on('data', (d: Buffer) => (this.output = (this.output + d.toString()).slice(-4000)));
    // SIPp has no "ready" line in -nostdin mode: give it a moment, then make sure it still runs.
    await pause(500);
    if (child.exitCode !== null) throw new Error(`sipp ${this.scenario} on ${this.sipPort} exited: ${this.output}`);
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, pause(3000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** G.711 A-law byte → 16-bit linear sample. */
function alawToLinear(byte: number): number {
  const a = byte ^ 0x55;
  let t = (a & 0x0f) << 4;
  const segment = (a & 0x70) >> 4;
  if (segment === 0) t += 8;
  else if (segment === 1) t += 0x108;
  else t = (t + 0x108) << (segment - 1);
  return a & 0x80 ? t : -t;
}

interface Heard {
  at: number;
  payloadType: number;
  sumSquares: number;
  samples: number;
}

/** What a silent SIPp phone is sent: the RTP packets arriving on its announced port. */
export class Ears {
  private socket: Socket | null = null;
  readonly heard: Heard[] = [];

  constructor(readonly port: number) {}

  async open(): Promise<void> {
    const socket = createSocket('udp4');
    socket.on('message', (packet) => this.take(packet));
    await new Promise<void>((ok, fail) => {
      socket.once('error', fail);
      socket.bind(this.port, '127.0.0.1', () => ok());
    });
    this.socket = socket;
  }

  close(): void {
    this.quiet();
    this.socket?.close();
    this.socket = null;
  }

  private talking: NodeJS.Timeout | null = null;

  /**
   * Sends A-law silence every 20 ms from this port to `address` (host:port of Asterisk's RTP for
   * the phone's channel), as a real phone does: Asterisk mixes a whisper into the frames it
   * writes to a channel, and a 2-party bridge writes nothing to one side whose peer sends nothing.
   */
  sendSilence(address: string): void {
    this.quiet();
    const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
    const ssrc = Math.floor(Math.random() * 0xffffffff);
    let seq = 0;
    const payload = Buffer.alloc(160, 0xd5);
    this.talking = setInterval(() => {
      const header = Buffer.alloc(12);
      header[0] = 0x80;
      header[1] = 8;
      header.writeUInt16BE(seq & 0xffff, 2);
      header.writeUInt32BE((seq * 160) >>> 0, 4);
      header.writeUInt32BE(ssrc, 8);
      seq++;
      this.socket?.send(Buffer.concat([header, payload]), port, host);
    }, 20);
  }

  quiet(): void {
    if (this.talking) clearInterval(this.talking);
    this.talking = null;
  }

  private take(packet: Buffer): void {
    if (packet.length < 12 || packet[0]! >> 6 !== 2) return;
    const csrc = packet[0]! & 0x0f;
    let offset = 12 + csrc * 4;
    if (packet[0]! & 0x10) offset += 4 + packet.readUInt16BE(offset + 2) * 4;
    const payloadType = packet[1]! & 0x7f;
    let sumSquares = 0;
    let samples = 0;
    if (payloadType === 8) {
      for (let i = offset; i < packet.length; i++) {
        sumSquares += alawToLinear(packet[i]!) ** 2;
        samples++;
      }
    }
    this.heard.push({ at: Date.now(), payloadType, sumSquares, samples });
  }

  /** RMS of the A-law audio heard in [from, to) (0 when nothing was heard). */
  rms(from: number, to: number = Date.now()): number {
    let sum = 0;
    let count = 0;
    for (const h of this.heard) {
      if (h.at < from || h.at >= to || h.payloadType !== 8) continue;
      sum += h.sumSquares;
      count += h.samples;
    }
    return count ? Math.sqrt(sum / count) : 0;
  }

  /** RTP telephone-event (RFC 4733) packets heard since `from`. */
  dtmfPackets(from: number, payloadType = 101): number {
    return this.heard.filter((h) => h.at >= from && h.payloadType === payloadType).length;
  }

  /** Waits `ms`, then gives the RMS heard meanwhile. */
  async listen(ms: number): Promise<number> {
    const from = Date.now();
    await pause(ms);
    return this.rms(from);
  }
}
