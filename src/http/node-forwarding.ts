/**
 * A request passed from one node of a cluster to another, answered there as if it had been
 * served here (same method, path, body and the caller's credentials: sessions are in the shared
 * database, so the other node signs the same supervisor in).
 *
 * A forwarded request carries `x-ccs-forwarded-by: <node id>;<epoch ms>;<signature>`, an HMAC
 * with the secret every node shares (`CCS_SIGNING_SECRET`) over the node, the time, the method
 * and the path. The node that receives it serves it itself and never forwards it again (no
 * loops). The header from outside, unsigned, badly signed or older than a minute, is refused:
 * only nodes set it.
 *
 * The caller's Origin was checked by the node the browser reached; the forwarded request names
 * the target node's own address as its origin, so the target's same-origin check (which knows
 * only its own address and the public URL) passes.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { NodeAddress } from '../application/monitoring-placement.ts';

export const FORWARDED_BY_HEADER = 'x-ccs-forwarded-by';
/** How old a forwarded request's signature may be (clock differences between nodes included). */
const SIGNATURE_MAX_AGE_MS = 60_000;
/** The caller's headers passed on: its credentials and what the body is. */
const PASSED_HEADERS = ['cookie', 'authorization', 'x-csrf-token', 'accept-language'];

export type Forwarded = { ok: true; status: number; body: unknown } | { ok: false; message: string };

export interface NodeForwarding {
  /** `none`: a request from outside; `forwarded`: from another node, signed; `forged`: the header without a valid signature. */
  origin(request: FastifyRequest): 'none' | 'forwarded' | 'forged';
  /**
   * Passes the request on to `peer` and waits at most the timeout for its answer; with `instead`,
   * another request (no body) with the same caller's credentials.
   */
  forward(peer: NodeAddress, request: FastifyRequest, instead?: { method: 'GET'; path: string }): Promise<Forwarded>;
}

export interface NodeForwardingDeps {
  nodeId: string;
  /** The secret every node of the cluster shares. */
  secret: string;
  timeoutMs: number;
  now(): number;
}

export function createNodeForwarding(deps: NodeForwardingDeps): NodeForwarding {
  const signatureOf = (node: string, at: string, method: string, path: string) =>
    createHmac('sha256', deps.secret).update(`${node};${at};${method.toUpperCase()} ${path}`).digest('base64url');

  return {
    origin(request) {
      const header = request.headers[FORWARDED_BY_HEADER];
      if (header === undefined) return 'none';
      const [node, at, given, ...rest] = String(header).split(';');
      if (!node || !at || !given || rest.length > 0 || !/^\d+$/.test(at)) return 'forged';
      if (Math.abs(deps.now() - Number(at)) > SIGNATURE_MAX_AGE_MS) return 'forged';
      const expected = Buffer.from(signatureOf(node, at, request.method, request.url));
      const received = Buffer.from(given);
      return expected.length === received.length && timingSafeEqual(expected, received) ? 'forwarded' : 'forged';
    },

    async forward(peer, request, instead) {
      if (!peer.url) return { ok: false, message: `node ${peer.id} has not said where the other nodes reach it (CCS_NODE_URL)` };
      const method = instead?.method ?? request.method;
      const target = new URL(instead?.path ?? request.url, `${peer.url}/`);
      const at = String(deps.now());
      const headers: Record<string, string> = {
        [FORWARDED_BY_HEADER]: `${deps.nodeId};${at};${signatureOf(deps.nodeId, at, method, target.pathname + target.search)}`,
        origin: target.origin,
      };
      for (const name of PASSED_HEADERS) {
        const value = request.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      const hasBody = !instead && method !== 'GET' && method !== 'HEAD' && request.body !== undefined;
      if (hasBody) headers['content-type'] = 'application/json';
      try {
        const response = await fetch(target, {
          method,
          headers,
          ...(hasBody ? { body: JSON.stringify(request.body) } : {}),
          signal: AbortSignal.timeout(deps.timeoutMs),
          redirect: 'manual',
        });
        const text = await response.text();
        return { ok: true, status: response.status, body: text ? JSON.parse(text) : null };
      } catch (error) {
        const reason = (error as Error)?.name === 'TimeoutError' ? `no answer within ${deps.timeoutMs} ms` : String((error as Error)?.message ?? error);
        return { ok: false, message: `node ${peer.id} (${peer.url}) did not answer: ${reason}` };
      }
    },
  };
}
