/**
 * GET /recordings/<key>?exp=…&sig=…: serves a stored recording to whoever holds an unexpired,
 * untampered link (decision 3.11), with HTTP range support for players and resumable downloads.
 * A tampered link answers 403; an expired one 410 `link-expired`; the link of a recording the
 * retention policy deleted 410 `recording-deleted`. Each use of a link is audited (a request
 * for the whole file counts as a download, one from the first byte with a Range as a listen;
 * a player's later ranges, its seeks, are not new uses).
 */
import { createReadStream } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formatContractDatetime } from '../domain/local-time.ts';
import type { Clock } from '../ports/clock.ts';
import type { RecordingCatalog } from '../ports/recording-catalog.ts';
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

/** The answer for a recording the retention policy deleted (`deletedAt` as local time). */
export const RECORDING_DELETED = (deletedAt: string) => ({
  error: { code: 'recording-deleted', message: `This recording was deleted on ${deletedAt} under the retention policy; it can no longer be played or downloaded.` },
});

/** Sends a stored file, honouring a `Range` header (206, or 416 when it cannot be satisfied). */
export function serveRecordingFile(request: FastifyRequest, reply: FastifyReply, file: { path: string; contentType: string; size: number }) {
  reply.header('Accept-Ranges', 'bytes').header('Content-Type', file.contentType);
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
}

export interface RecordingRouteDeps {
  signer: LinkSigner;
  recordings: RecordingStore;
  clock: Clock;
  /** Deletion marks and the audit trail (absent: links are served without either). */
  catalog?: RecordingCatalog;
  timeZone?: string;
}

export function registerRecordingRoutes(app: FastifyInstance, deps: RecordingRouteDeps): void {
  app.get(`${RECORDING_ROUTE_PREFIX}*`, documented(recordingSchema), async (request, reply) => {
    const key = decodedKey((request.params as { '*': string })['*']);
    // A key that does not decode names no recording (and must not become a 500 that logs the link).
    if (key === null) return reply.code(404).send({ error: { code: 'not-found', message: 'Recording not found.' } });
    const { exp, sig } = request.query as { exp?: string; sig?: string };
    const verdict = exp && sig ? deps.signer.verify(key, exp, sig, deps.clock.now()) : 'bad-signature';
    if (verdict === 'bad-signature') return reply.code(403).send({ error: { code: 'bad-signature', message: 'This recording link is not valid.' } });
    // A genuine link to a deleted recording says so, whether or not the link has expired too.
    const owner = deps.catalog ? await deps.catalog.byKey(key) : undefined;
    if (owner && owner.deletedAt !== null) return reply.code(410).send(RECORDING_DELETED(formatContractDatetime(owner.deletedAt, deps.timeZone ?? 'UTC')));
    if (verdict === 'expired') return reply.code(410).send({ error: { code: 'link-expired', message: 'This recording link has expired; ask for a new link.' } });
    const file = await deps.recordings.locate(key);
    if (!file) return reply.code(404).send({ error: { code: 'not-found', message: 'Recording not found.' } });

    const range = request.headers.range;
    if (deps.catalog && (!range || /^bytes=0-/.test(range.trim()))) {
      await deps.catalog.audit({
        at: deps.clock.now(),
        actor: `link ${request.ip}`,
        action: range ? 'listen' : 'download',
        via: 'signed-link',
        callId: owner?.callId ?? null,
        campaignId: owner?.campaignId ?? null,
        recordingKey: key,
        detail: null,
      });
    }
    reply.header('Cache-Control', 'private, max-age=3600');
    return serveRecordingFile(request, reply, file);
  });
}
