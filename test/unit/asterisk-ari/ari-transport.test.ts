/**
 * The ARI transport on its own: the events WebSocket retries with a doubling delay through
 * the Clock, capped; REST requests are bounded by a Clock timer and an unreachable server is
 * a kind of error of its own.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/clock/virtual-clock.ts';
import { silentLogger } from '../../../src/ports/logger.ts';
import { AriHttp } from '../../../src/telephony/asterisk-ari/ari-http.ts';
import { AriEventStream } from '../../../src/telephony/asterisk-ari/ari-websocket.ts';
import { settleIo } from '../../support/ari-replay/scripted-rig.ts';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function until(predicate: () => boolean, what: string): Promise<void> {
  for (let i = 0; !predicate(); i++) {
    if (i > 2000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('ARI transport', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) {
      s.closeAllConnections();
      await new Promise((resolve) => s.close(resolve));
    }
  });

  it('retries the events WebSocket after 250, 500, 1000, 2000 ms, then every 2000 ms (the maximum)', async () => {
    const clock = new VirtualClock(0, { settle: settleIo });
    const attempts: number[] = [];
    const server = createServer();
    server.on('upgrade', (_req, socket) => {
      attempts.push(clock.now());
      socket.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    });
    servers.push(server);
    const url = await listen(server);
    const closes: boolean[] = [];
    const stream = new AriEventStream(
      { url, user: 'u', password: 'p', app: 'ccs', clock, logger: silentLogger, minDelayMs: 250, maxDelayMs: 2000 },
      { onOpen: () => {}, onEvent: () => {}, onClose: (_reason, wasOpen) => closes.push(wasOpen) },
    );
    stream.start();
    try {
      for (let i = 1; i <= 7; i++) {
        await until(() => closes.length === i, `attempt ${i}`);
        await clock.advanceTo(clock.nextTimerAt()!);
      }
      await until(() => attempts.length === 8, 'the eighth attempt');
      const gaps = attempts.slice(1).map((t, i) => t - attempts[i]!);
      expect(gaps).toEqual([250, 500, 1000, 2000, 2000, 2000, 2000]);
      expect(closes.every((wasOpen) => !wasOpen)).toBe(true);
    } finally {
      stream.stop();
    }
  });

  it('a REST request Asterisk never answers fails as a timeout when the Clock passes the bound', async () => {
    const clock = new VirtualClock(0);
    let received = 0;
    const server = createServer(() => void received++);
    servers.push(server);
    const http = new AriHttp({ url: await listen(server), user: 'u', password: 'p', timeoutMs: 1000, clock });
    try {
      let outcome: unknown = 'pending';
      const pending = http.get('/channels').then(
        () => 'answered',
        (error: unknown) => (outcome = error),
      );
      await until(() => received === 1, 'the request');
      await clock.advanceBy(999);
      await settleIo();
      expect(outcome).toBe('pending');
      await clock.advanceBy(1);
      await pending;
      expect(outcome).toMatchObject({ kind: 'timeout', status: null, detail: 'no answer within 1000 ms' });
    } finally {
      await http.close();
    }
  });

  it('a server that refuses connections is unreachable', async () => {
    const server = createServer();
    const url = await listen(server);
    await new Promise((resolve) => server.close(resolve));
    const http = new AriHttp({ url, user: 'u', password: 'p', timeoutMs: 1000, clock: new VirtualClock(0) });
    try {
      await expect(http.get('/asterisk/info')).rejects.toMatchObject({ kind: 'unreachable', request: 'GET /asterisk/info' });
    } finally {
      await http.close();
    }
  });
});
