/**
 * The supervisor's recordings (/ops/recordings…): search by campaign, agent, number, date,
 * call status and disposition; play (Range supported) and download; the waveform; legal holds
 * on a call or a campaign; the audit trail. Every listen (the first byte of a playback: a seek
 * is not a new listen), download and hold change is audited with who, when and how.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formatContractDatetime, parseContractDatetime } from '../domain/local-time.ts';
import type { Clock } from '../ports/clock.ts';
import type { HoldScope, RecordingAuditEntry, RecordingCatalog, RecordingEntry, RecordingSearch } from '../ports/recording-catalog.ts';
import type { RecordingStore } from '../ports/recording-store.ts';
import { wavWaveform } from '../recordings/wav-peaks.ts';
import { documented, recordingOpsSchemas } from './api-schemas.ts';
import { operatorGuard, tokenMatches, type OperatorAuthDeps } from './operator-auth.ts';
import { RECORDING_DELETED, serveRecordingFile } from './recording-routes.ts';

export interface RecordingOpsDeps {
  auth: OperatorAuthDeps;
  catalog: RecordingCatalog;
  recordings: RecordingStore;
  clock: Clock;
  timeZone: string;
}

const badRequest = (message: string) => ({ error: { code: 'bad-request', message } });
const notFound = { error: { code: 'not-found', message: 'No recording for this call.' } };
const MAX_LIMIT = 500;
const STATUSES = new Set(['ANSWERED', 'NO ANSWER', 'BUSY', 'FAILED', 'CONGESTION', 'ABANDONED']);

/** Who is asking, for the audit: the signed-in user, the token holder or the local command line. */
export function operatorActor(auth: OperatorAuthDeps, request: FastifyRequest): { actor: string; via: string } {
  if (auth.token !== null && tokenMatches(request.headers.authorization, auth.token)) return { actor: 'operator-token', via: 'ops' };
  const user = auth.sessionUser?.(request) ?? null;
  if (user) return { actor: user, via: 'ui' };
  return { actor: 'local', via: 'ops' };
}

/** A day (`YYYY-mm-dd`, its start) or a contract time, local to the service's zone. */
function parseInstant(raw: string, timeZone: string, endOfDay: boolean): number | null {
  if (/^\d{4}-\d{2}-\d{2}$/.test(raw)) {
    const start = parseContractDatetime(`${raw} 00:00:00`, timeZone);
    // `to` as a day includes that whole day.
    return start === null ? null : endOfDay ? (parseContractDatetime(`${raw} 23:59:59`, timeZone) ?? start) + 1000 : start;
  }
  const at = parseContractDatetime(raw, timeZone);
  return at === null ? null : endOfDay ? at + 1000 : at;
}

export function parseRecordingSearch(query: Record<string, unknown>, timeZone: string, dispositions: boolean): RecordingSearch | string {
  const text = (name: string) => (typeof query[name] === 'string' && (query[name] as string).trim() !== '' ? (query[name] as string).trim() : undefined);
  const search: RecordingSearch = { limit: 100 };
  const int = (name: string, min: number, max: number) => {
    const v = text(name);
    if (v === undefined) return undefined;
    const n = /^\d{1,16}$/.test(v) ? Number(v) : NaN;
    return Number.isSafeInteger(n) && n >= min && n <= max ? n : null;
  };
  const campaignId = int('campaignId', 1, Number.MAX_SAFE_INTEGER);
  if (campaignId === null) return 'campaignId must be a positive integer.';
  if (campaignId !== undefined) search.campaignId = campaignId;
  const limit = int('limit', 1, MAX_LIMIT);
  if (limit === null) return `limit must be between 1 and ${MAX_LIMIT}.`;
  if (limit !== undefined) search.limit = limit;
  const offset = int('offset', 0, Number.MAX_SAFE_INTEGER);
  if (offset === null) return 'offset must be a whole number.';
  if (offset !== undefined) search.offset = offset;
  const agent = text('agent');
  if (agent !== undefined) search.agentCode = agent;
  const number = text('number');
  if (number !== undefined) {
    const digits = number.replace(/[\s.\-()]/g, '');
    if (!/^\+?\d{1,20}$/.test(digits)) return 'number must be digits (part of the dialled number).';
    // Numbers are stored as dialled (+84…); a Vietnamese number typed as 0… or +84… matches on the digits after its prefix.
    search.number = digits.replace(/^\+84(?=\d)/, '').replace(/^0(?=\d)/, '').replace(/^\+/, '');
  }
  for (const [name, end] of [['from', false], ['to', true]] as const) {
    const v = text(name);
    if (v === undefined) continue;
    const at = parseInstant(v, timeZone, end);
    if (at === null) return `${name} must be a date (YYYY-mm-dd) or a time (YYYY-mm-dd HH:MM:SS).`;
    search[name] = at;
  }
  const status = text('status');
  if (status !== undefined) {
    if (!STATUSES.has(status.toUpperCase())) return `status must be one of ${[...STATUSES].join(', ')}.`;
    search.status = status.toUpperCase();
  }
  const disposition = text('disposition');
  if (disposition !== undefined) {
    if (!dispositions) return 'Filtering by disposition is not available: this store does not record dispositions yet.';
    search.disposition = disposition;
  }
  if (text('includeDeleted') === 'true') search.includeDeleted = true;
  return search;
}

export function registerRecordingOpsRoutes(app: FastifyInstance, deps: RecordingOpsDeps): void {
  const { catalog, clock, timeZone } = deps;
  const time = (ms: number | null) => (ms === null ? null : formatContractDatetime(ms, timeZone));
  const base = (callId: string) => `/ops/recordings/${encodeURIComponent(callId)}`;
  const view = (r: RecordingEntry) => ({
    callId: r.callId,
    campaignid: r.campaignId,
    contactid: r.contactId,
    attempt: r.attemptNo,
    number: r.dialNumber,
    agentCode: r.agentCode,
    status: r.status,
    disposition: r.disposition,
    startedAt: time(r.startedAt)!,
    answeredAt: time(r.answeredAt),
    endedAt: time(r.endedAt),
    talkSeconds: r.answeredAt !== null && r.endedAt !== null ? Math.max(0, Math.round((r.endedAt - r.answeredAt) / 1000)) : null,
    deleted: r.deletedAt !== null,
    deletedAt: time(r.deletedAt),
    heldCall: r.heldCall,
    heldCampaign: r.heldCampaign,
    audioUrl: `${base(r.callId)}/audio`,
    downloadUrl: `${base(r.callId)}/download`,
  });
  const auditView = (a: RecordingAuditEntry) => ({ ...a, at: time(a.at)! });
  const callIdOf = (request: FastifyRequest) => (request.params as { callId: string }).callId;

  /** The entry, or an answer already sent (404 unknown, 410 deleted). */
  async function live(request: FastifyRequest, reply: FastifyReply): Promise<RecordingEntry | null> {
    const entry = await catalog.get(callIdOf(request));
    if (!entry) {
      await reply.code(404).send(notFound);
      return null;
    }
    if (entry.deletedAt !== null) {
      await reply.code(410).send(RECORDING_DELETED(time(entry.deletedAt)!));
      return null;
    }
    return entry;
  }

  async function serve(request: FastifyRequest, reply: FastifyReply, action: 'listen' | 'download') {
    const entry = await live(request, reply);
    if (!entry) return reply;
    const file = await deps.recordings.locate(entry.recordingKey);
    if (!file) return reply.code(404).send({ error: { code: 'not-found', message: 'The recording file is missing.' } });
    const who = operatorActor(deps.auth, request);
    // One audit row per playback or download: a player's later range requests (seeks) are not new listens.
    if (action === 'download' || startsAtZero(request.headers.range)) {
      await catalog.audit({ at: clock.now(), ...who, action, callId: entry.callId, campaignId: entry.campaignId, recordingKey: entry.recordingKey, detail: null });
    }
    if (action === 'download') {
      const name = `${entry.callId}${entry.recordingKey.slice(entry.recordingKey.lastIndexOf('.'))}`;
      reply.header('Content-Disposition', `attachment; filename="${name.replace(/[^A-Za-z0-9._-]/g, '_')}"`);
    }
    reply.header('Cache-Control', 'private, no-store');
    return serveRecordingFile(request, reply, file);
  }

  async function hold(scope: HoldScope, ref: string, request: FastifyRequest, campaignId: number | null, callId: string | null, recordingKey: string | null) {
    const body = (request.body ?? {}) as { held?: unknown; reason?: unknown };
    if (typeof body.held !== 'boolean') return 'Send {"held": true|false, "reason": "..."}.';
    const reason = typeof body.reason === 'string' && body.reason.trim() ? body.reason.trim().slice(0, 500) : null;
    const who = operatorActor(deps.auth, request);
    const now = clock.now();
    const audit = { at: now, ...who, action: body.held ? ('hold' as const) : ('release' as const), callId, campaignId, recordingKey, detail: `${scope} hold${reason ? `: ${reason}` : ''}` };
    if (body.held) await catalog.setHold({ scope, ref, setBy: who.actor, setAt: now, reason }, audit);
    else await catalog.releaseHold(scope, ref, audit);
    return null;
  }

  app.register(async (scope) => {
    scope.addHook('onRequest', operatorGuard(deps.auth));

    scope.get('/ops/recordings', documented(recordingOpsSchemas.search), async (request, reply) => {
      const search = parseRecordingSearch(request.query as Record<string, unknown>, timeZone, catalog.dispositions);
      if (typeof search === 'string') return reply.code(400).send(badRequest(search));
      return { recordings: (await catalog.search(search)).map(view), dispositionFilter: catalog.dispositions };
    });

    scope.get('/ops/recordings/holds', documented(recordingOpsSchemas.holds), async () => ({
      holds: (await catalog.listHolds()).map((h) => ({ ...h, setAt: time(h.setAt)! })),
    }));

    scope.get('/ops/recordings/audit', documented(recordingOpsSchemas.audit), async (request, reply) => {
      const q = request.query as Record<string, unknown>;
      const limit = q.limit === undefined ? 100 : Number(q.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) return reply.code(400).send(badRequest(`limit must be between 1 and ${MAX_LIMIT}.`));
      const callId = typeof q.callId === 'string' && q.callId !== '' ? q.callId : undefined;
      return { entries: (await catalog.listAudit({ limit, ...(callId !== undefined ? { callId } : {}) })).map(auditView) };
    });

    scope.post('/ops/recordings/holds/campaign/:id', documented(recordingOpsSchemas.campaignHold), async (request, reply) => {
      const raw = (request.params as { id: string }).id;
      if (!/^\d{1,16}$/.test(raw) || !Number.isSafeInteger(Number(raw)) || Number(raw) < 1) return reply.code(404).send({ error: { code: 'not-found', message: 'No such campaign.' } });
      const id = Number(raw);
      const problem = await hold('campaign', String(id), request, id, null, null);
      if (problem) return reply.code(400).send(badRequest(problem));
      return { campaignid: id, held: (await catalog.listHolds()).some((h) => h.scope === 'campaign' && h.ref === String(id)) };
    });

    scope.get('/ops/recordings/:callId', documented(recordingOpsSchemas.get), async (request, reply) => {
      const entry = await catalog.get(callIdOf(request));
      return entry ? view(entry) : reply.code(404).send(notFound);
    });

    scope.get('/ops/recordings/:callId/audio', documented(recordingOpsSchemas.audio), (request, reply) => serve(request, reply, 'listen'));
    scope.get('/ops/recordings/:callId/download', documented(recordingOpsSchemas.download), (request, reply) => serve(request, reply, 'download'));

    scope.get('/ops/recordings/:callId/waveform', documented(recordingOpsSchemas.waveform), async (request, reply) => {
      const raw = (request.query as { buckets?: string }).buckets;
      const buckets = raw === undefined ? 400 : Number(raw);
      if (!Number.isInteger(buckets) || buckets < 10 || buckets > 4000) return reply.code(400).send(badRequest('buckets must be between 10 and 4000.'));
      const entry = await live(request, reply);
      if (!entry) return reply;
      const file = await deps.recordings.locate(entry.recordingKey);
      if (!file) return reply.code(404).send({ error: { code: 'not-found', message: 'The recording file is missing.' } });
      const wave = await wavWaveform(file.path, file.size, buckets);
      return wave ?? { durationSeconds: null, sampleRate: null, peaks: [] };
    });

    scope.post('/ops/recordings/:callId/hold', documented(recordingOpsSchemas.hold), async (request, reply) => {
      const entry = await catalog.get(callIdOf(request));
      if (!entry) return reply.code(404).send(notFound);
      const problem = await hold('call', entry.callId, request, entry.campaignId, entry.callId, entry.recordingKey);
      if (problem) return reply.code(400).send(badRequest(problem));
      return view((await catalog.get(entry.callId))!);
    });
  });
}

/** A request for the whole file or its first bytes: the start of a playback or a download. */
function startsAtZero(range: string | undefined): boolean {
  if (!range) return true;
  return /^bytes=0-/.test(range.trim());
}
