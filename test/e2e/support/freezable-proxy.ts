/**
 * A TCP proxy on 127.0.0.1 in front of a service, for the browser tests: `freeze()` makes the
 * network go silent without closing anything (bytes are no longer passed on, new connections
 * hang), as a cut cable or a frozen process would; `thaw()` resets the connections held
 * meanwhile and passes traffic again.
 */
import { createConnection, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface FreezableProxy {
  url: string;
  freeze(): void;
  thaw(): void;
  close(): Promise<void>;
}

export async function startFreezableProxy(target: string): Promise<FreezableProxy> {
  const { hostname, port } = new URL(target);
  let frozen = false;
  const sockets = new Set<Socket>();
  const held = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => (sockets.delete(s), held.delete(s)));
    s.on('error', () => undefined);
  };
  const server = createServer((client) => {
    track(client);
    if (frozen) {
      held.add(client);
      return;
    }
    const upstream = createConnection({ host: hostname, port: Number(port) });
    track(upstream);
    const relay = (from: Socket, to: Socket) => {
      from.on('data', (chunk) => {
        if (frozen) {
          held.add(from);
          held.add(to);
          return;
        }
        to.write(chunk);
      });
      from.on('end', () => to.end());
      from.on('close', () => to.destroy());
    };
    relay(client, upstream);
    relay(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    freeze() {
      frozen = true;
      // Connections already open go silent from now on.
      for (const s of sockets) held.add(s);
    },
    thaw() {
      frozen = false;
      for (const s of held) s.destroy();
      held.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
