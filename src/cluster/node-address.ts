/**
 * Where the other nodes of a cluster reach this one when `CCS_NODE_URL` does not say: the
 * address it listens on, or its host name when it listens on every address (0.0.0.0, ::).
 */
import { hostname } from 'node:os';

export function defaultNodeUrl(bindHost: string, port: number): string {
  const every = bindHost === '0.0.0.0' || bindHost === '::' || bindHost === '[::]' || bindHost === '';
  const host = every ? hostname() : bindHost.includes(':') && !bindHost.startsWith('[') ? `[${bindHost}]` : bindHost;
  return `http://${host}:${port}`;
}
