/**
 * Dispositions and scheduled callbacks for the web UI (/ui/*, browser-only):
 *   agents      GET  /ui/agent/dispositions?callId=   the codes for that call's campaign
 *               GET  /ui/agent/callback-time?callId=&at=   earliest feasible time for a callback
 *               POST /ui/agent/disposition         { callId, code, callback?: { at, forAgent, note } }
 *               GET  /ui/agent/callbacks           "My callbacks": kept for me or made by me, and the one offered now
 *               POST /ui/agent/callback-call       { campaignId, contactId }: calls the callback offered to me
 *   supervisors GET  /ui/supervisor/callbacks?campaignId=   all callbacks
 *               GET  /ui/supervisor/dispositions?campaignId=   a campaign's codes, how often each was given, successes
 * Only the caller's own calls: an agent code comes from the session's desk, never the request.
 * A callback shows `missed` once it can no longer happen: its campaign stopped or finished
 * before it was dialled.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formatContractDatetime } from '../domain/local-time.ts';
import type { Engine } from '../engine/engine.ts';
import type { WrapUpDispositions } from '../engine/wrap-up-dispositions.ts';
import type { CallbackStore, ScheduledCallback } from '../ports/callback-store.ts';
import type { Clock } from '../ports/clock.ts';
import type { Store } from '../ports/store.ts';
import type { SessionAuth } from './session-auth.ts';

const STATUS: Record<string, number> = {
  'not-signed-in': 409,
  unavailable: 503,
  'unknown-call': 404,
  'invalid-code': 400,
  already: 409,
  'campaign-closed': 409,
  'callback-time': 400,
  invalid: 400,
  'no-offer': 409,
};

export type CallbackView = ReturnType<typeof callbackView>;

export function callbackView(cb: ScheduledCallback, now: number, timeZone: string) {
  const missed = cb.state === 'scheduled' && (cb.campaignState === 'stopping' || cb.campaignState === 'finished' || cb.dueAt >= cb.campaignEndsAt);
  const state = missed ? 'missed' : cb.state === 'scheduled' ? (cb.dueAt <= now ? 'due' : 'scheduled') : cb.state;
  return {
    callId: cb.callId,
    campaignId: cb.campaignId,
    contactId: cb.contactId,
    phoneNumber: cb.phoneNumber,
    dueAt: cb.dueAt,
    due: formatContractDatetime(cb.dueAt, timeZone),
    agentCode: cb.agentCode,
    /** When a personal callback opens to anyone (null: shared). */
    personalUntil: cb.personalUntil,
    createdBy: cb.createdBy,
    note: cb.note,
    state,
    dialledCallId: cb.dialledCallId,
  };
}

export function registerDispositionRoutes(
  app: FastifyInstance,
  deps: {
    auth: SessionAuth;
    dispositions: WrapUpDispositions;
    engine: Pick<Engine, 'previewOffer' | 'previewCall'>;
    callbacks: CallbackStore | undefined;
    store: Pick<Store, 'getAttempt'>;
    clock: Clock;
    timeZone: string;
    agentCodeOf(session: { id: string }): string | null;
    deskState(session: NonNullable<ReturnType<SessionAuth['sessionOf']>>): unknown;
  },
): void {
  const { auth, dispositions } = deps;
  const fail = (reply: FastifyReply, code: string, message: string, extra: Record<string, unknown> = {}) =>
    reply.code(STATUS[code] ?? 400).send({ error: { code, message }, ...extra });
  const deskAgent = (request: FastifyRequest) => {
    const session = auth.sessionOf(request);
    return session ? deps.agentCodeOf(session) : null;
  };
  const query = (request: FastifyRequest) => (request.query ?? {}) as Record<string, string | undefined>;
  /** The caller's own ended call, or why not. */
  const ownCall = async (agentCode: string, callId: unknown) => {
    const attempt = typeof callId === 'string' && callId ? await deps.store.getAttempt(callId) : undefined;
    return attempt && attempt.agentCode === agentCode ? attempt : undefined;
  };

  app.register(async (ui) => {
    ui.addHook('preHandler', auth.require(['agent']));
    ui.addHook('onSend', async (_request, reply) => {
      reply.header('Cache-Control', 'no-store');
    });

    ui.get('/ui/agent/dispositions', async (request, reply) => {
      const agentCode = deskAgent(request);
      if (!agentCode) return fail(reply, 'not-signed-in', 'sign in to the floor first');
      const attempt = await ownCall(agentCode, query(request).callId);
      if (!attempt) return fail(reply, 'unknown-call', 'not a call of this agent');
      const settings = await dispositions.codesFor(attempt.campaignId);
      return { callId: attempt.callId, required: settings.required, codes: settings.codes, disposition: attempt.disposition ?? null };
    });

    ui.get('/ui/agent/callback-time', async (request, reply) => {
      const agentCode = deskAgent(request);
      if (!agentCode) return fail(reply, 'not-signed-in', 'sign in to the floor first');
      const q = query(request);
      const at = Number(q.at);
      if (!Number.isFinite(at) || at <= 0) return fail(reply, 'invalid', '"at" must be a time in epoch milliseconds');
      const attempt = await ownCall(agentCode, q.callId);
      if (!attempt) return fail(reply, 'unknown-call', 'not a call of this agent');
      const fit = await dispositions.earliestCallback(attempt.campaignId, attempt.contactId, at);
      return { asked: at, at: fit.at, local: fit.at === null ? null : formatContractDatetime(fit.at, deps.timeZone), reason: fit.reason };
    });

    ui.post('/ui/agent/disposition', async (request, reply) => {
      const agentCode = deskAgent(request);
      if (!agentCode) return fail(reply, 'not-signed-in', 'sign in to the floor first');
      const body = (request.body ?? {}) as Record<string, unknown>;
      const callback = body.callback;
      if (callback !== undefined && callback !== null && (typeof callback !== 'object' || Array.isArray(callback))) return fail(reply, 'invalid', '"callback" must be an object');
      const answer = await dispositions.record({
        agentCode,
        callId: String(body.callId ?? ''),
        code: body.code,
        callback: (callback ?? null) as { at: unknown; forAgent: unknown; note?: unknown } | null,
      });
      if (!answer.ok) return fail(reply, answer.error, answer.reason, answer.earliest !== undefined ? { earliest: answer.earliest } : {});
      return answer;
    });

    ui.get('/ui/agent/callbacks', async (request, reply) => {
      const agentCode = deskAgent(request);
      if (!agentCode) return fail(reply, 'not-signed-in', 'sign in to the floor first');
      const list = deps.callbacks ? await deps.callbacks.listScheduledCallbacks({ agentCode, limit: 200 }) : [];
      const now = deps.clock.now();
      // A due personal callback is offered to its agent as a preview: the desk may call it from the list.
      const offer = deps.engine.previewOffer(agentCode);
      return {
        agentCode,
        offered: offer ? { campaignId: offer.campaignId, contactId: offer.contactId } : null,
        callbacks: list.map((cb) => callbackView(cb, now, deps.timeZone)),
      };
    });

    ui.post('/ui/agent/callback-call', async (request, reply) => {
      const agentCode = deskAgent(request);
      if (!agentCode) return fail(reply, 'not-signed-in', 'sign in to the floor first');
      const body = (request.body ?? {}) as Record<string, unknown>;
      const offer = deps.engine.previewOffer(agentCode);
      if (!offer || offer.campaignId !== body.campaignId || offer.contactId !== body.contactId) return fail(reply, 'no-offer', 'this callback is not offered to you now');
      const result = await deps.engine.previewCall(agentCode);
      if (!result.ok) return fail(reply, result.refusal, result.reason);
      // The desk's own state, as every desk action answers.
      return deps.deskState(auth.sessionOf(request)!);
    });
  });

  app.get('/ui/supervisor/dispositions', { preHandler: auth.require(['supervisor', 'admin']) }, async (request, reply) => {
    reply.header('Cache-Control', 'no-store');
    const campaignId = Number(query(request).campaignId);
    if (!Number.isSafeInteger(campaignId) || campaignId <= 0) return fail(reply, 'invalid', '"campaignId" must be a positive integer');
    const settings = await dispositions.codesFor(campaignId);
    const counts = new Map((deps.callbacks ? await deps.callbacks.dispositionCounts(campaignId) : []).map((c) => [c.code, c.count]));
    // Codes no longer configured still count (given before a change of the config file).
    const codes = [
      ...settings.codes.map((c) => ({ ...c, count: counts.get(c.code) ?? 0 })),
      ...[...counts].filter(([code]) => !settings.codes.some((c) => c.code === code)).map(([code, count]) => ({ code, label: { vi: code, en: code }, effect: null, success: false, count })),
    ];
    return { campaignId, codes, successes: codes.filter((c) => c.success && c.effect === 'final').reduce((n, c) => n + c.count, 0) };
  });

  app.get('/ui/supervisor/callbacks', { preHandler: auth.require(['supervisor', 'admin']) }, async (request, reply) => {
    reply.header('Cache-Control', 'no-store');
    const raw = query(request).campaignId;
    const campaignId = raw === undefined || raw === '' ? undefined : Number(raw);
    if (campaignId !== undefined && !Number.isSafeInteger(campaignId)) return fail(reply, 'invalid', '"campaignId" must be an integer');
    const list = deps.callbacks ? await deps.callbacks.listScheduledCallbacks({ ...(campaignId !== undefined ? { campaignId } : {}), limit: 500 }) : [];
    const now = deps.clock.now();
    return { callbacks: list.map((cb) => callbackView(cb, now, deps.timeZone)) };
  });
}
