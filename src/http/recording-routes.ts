/**
 * GET /recordings/<key>?exp=…&sig=…: serves a stored recording to whoever holds an unexpired,
 * untampered link (decision 3.11), with HTTP range support for players and resumable downloads.
 */
import { createReadStream } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../ports/clock.ts';
import type { RecordingStore } from '../ports/recording-store.ts';
import { documented, recordingSchema } from './api-schemas.ts';
import { RECORDING_ROUTE_PREFIX, type LinkSigner } from '../recordings/signed-links.ts';

function parseRange(header: string, size: number): { start: number; end: number } | 'invalid' | null {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return 'invalid';
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start > end || start >= size) return 'invalid';
  return { start, end };
}

function decodedKey(raw: string): string | null {
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

export function registerRecordingRoutes(app: FastifyInstance, deps: { signer: LinkSigner; recordings: RecordingStore; clock: Clock }): void {
  app.get(`${RECORDING_ROUTE_PREFIX}*`, documented(recordingSchema), async (request, reply) => {
    const key = decodedKey((request.params as { '*': string })['*']);
    // A key that does not decode names no recording (and must not become a 500 that logs the link).
    if (key === null) return reply.code(404).send({ error: { code: 'not-found', message: 'Recording not found.' } });
    const { exp, sig } = request.query as { exp?: string; sig?: string };
    const verdict = exp && sig ? deps.signer.verify(key, exp, sig, deps.clock.now()) : 'bad-signature';
    if (verdict === 'expired') return reply.code(410).send({ error: { code: 'link-expired', message: 'This recording link has expired.' } });
    if (verdict !== 'ok') return reply.code(403).send({ error: { code: 'bad-signature', message: 'This recording link is not valid.' } });
    const file = await deps.recordings.locate(key);
    if (!file) return reply.code(404).send({ error: { code: 'not-found', message: 'Recording not found.' } });

    reply.header('Accept-Ranges', 'bytes').header('Content-Type', file.contentType).header('Cache-Control', 'private, max-age=3600');
    const rangeHeader = request.headers.range;
    if (rangeHeader) {
      const range = parseRange(rangeHeader, file.size);
      if (range === 'invalid') return reply.code(416).header('Content-Range', `bytes */${file.size}`).send();
      if (range) {
        reply.code(206).header('Content-Range', `bytes ${range.start}-${range.end}/${file.size}`).header('Content-Length', range.end - range.start + 1);
        return reply.send(createReadStream(file.path, { start: range.start, end: range.end }));
      }
    }
    reply.header('Content-Length', file.size);
    return reply.send(createReadStream(file.path));
  });
}
