/**
 * The server side of RFC 6455, just enough to stand in for Asterisk's events WebSocket:
 * the 101 handshake (Sec-WebSocket-Accept = base64(SHA-1(key + GUID))), unmasked text frames
 * out, masked client frames in (close is answered, ping gets a pong, the rest is ignored),
 * and `destroy()` to drop the TCP connection without a close frame, as Asterisk does when it
 * stops. No extensions, no fragmentation on output.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export class WebSocketConnection {
  private pending = Buffer.alloc(0);
  private closed = false;
  onClose: (() => void) | null = null;

  constructor(private readonly socket: Duplex) {
    socket.on('data', (chunk: Buffer) => this.feed(chunk));
    socket.on('close', () => this.markClosed());
    socket.on('error', () => this.markClosed());
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  sendText(text: string): void {
    if (this.closed) return;
    this.socket.write(frame(0x1, Buffer.from(text, 'utf8')));
  }

  /** A clean close: close frame, then end of the TCP stream. */
  close(code = 1000): void {
    if (this.closed) return;
    const payload = Buffer.alloc(2);
    payload.writeUInt16BE(code);
    this.socket.end(frame(0x8, payload));
    this.markClosed();
  }

  /** TCP gone without a close frame (Asterisk shutting down). */
  destroy(): void {
    this.socket.destroy();
    this.markClosed();
  }

  feed(chunk: Buffer): void {
    this.pending = Buffer.concat([this.pending, chunk]);
    for (;;) {
      const parsed = parseFrame(this.pending);
      if (!parsed) return;
      this.pending = this.pending.subarray(parsed.size);
      if (parsed.opcode === 0x8) {
        if (!this.closed) this.socket.end(frame(0x8, parsed.payload.subarray(0, 2)));
        this.markClosed();
        return;
      }
      if (parsed.opcode === 0x9) this.socket.write(frame(0xa, parsed.payload));
    }
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose?.();
  }
}

/** Completes the handshake of an HTTP upgrade request and returns the connection. */
export function acceptWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer): WebSocketConnection {
  const key = String(req.headers['sec-websocket-key'] ?? '');
  const accept = createHash('sha1').update(key + GUID).digest('base64');
  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' + `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
  );
  const connection = new WebSocketConnection(socket);
  if (head.length > 0) connection.feed(head);
  return connection;
}

/** Refuses an upgrade with an ordinary HTTP answer (Asterisk: 401 + JSON body). */
export function refuseUpgrade(socket: Duplex, status: number, statusText: string, body: string): void {
  const bytes = Buffer.from(body, 'utf8');
  socket.write(
    `HTTP/1.1 ${status} ${statusText}\r\nContent-Type: application/json\r\nContent-Length: ${bytes.length}\r\nConnection: close\r\n\r\n`,
  );
  socket.end(bytes);
}

function frame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  let header: Buffer;
  if (length < 126) {
    header = Buffer.from([0x80 | opcode, length]);
  } else if (length < 65536) {
    header = Buffer.alloc(4);
    header[0] = 0x80 | opcode;
    header[1] = 126;
    header.writeUInt16BE(length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = 0x80 | opcode;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  return Buffer.concat([header, payload]);
}

function parseFrame(buffer: Buffer): { opcode: number; payload: Buffer; size: number } | null {
  if (buffer.length < 2) return null;
  const opcode = buffer[0]! & 0x0f;
  const masked = (buffer[1]! & 0x80) !== 0;
  let length = buffer[1]! & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buffer.length < 4) return null;
    length = buffer.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buffer.length < 10) return null;
    length = Number(buffer.readBigUInt64BE(2));
    offset = 10;
  }
  const maskAt = offset;
  if (masked) offset += 4;
  if (buffer.length < offset + length) return null;
  const payload = Buffer.from(buffer.subarray(offset, offset + length));
  if (masked) for (let i = 0; i < payload.length; i++) payload[i]! ^= buffer[maskAt + (i % 4)]!;
  return { opcode, payload, size: offset + length };
}
