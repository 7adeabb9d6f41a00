/**
 * The desk's preview and manual-dial API (/ui/agent/…), for agent sessions only: Call or Skip
 * the offered contact, dial a number, and the previous attempts of a contact the agent has in
 * front of it. Each answer is the desk state, as the other desk actions; a refusal is
 * `{ error: { code, message } }` with the engine's reason (do-not-call, hours, caps…).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AgentDialRefusal, AgentDialResult } from '../engine/agent-dial-result.ts';
import type { AgentDesktop } from '../web/agent-desktop.ts';
import type { AgentDialing } from '../web/agent-dialing.ts';
import type { SessionAuth } from './session-auth.ts';

const STATUS: Record<AgentDialRefusal, number> = {
  invalid: 400,
  'no-offer': 409,
  'not-ready': 409,
  'busy-number': 409,
  'campaign-stopped': 409,
  'campaign-paused': 409,
  'contact-gone': 409,
  dnc: 403,
  hours: 403,
  'frequency-cap': 403,
  unavailable: 501,
  store: 503,
};

/** The codes of a campaign's profile: the history names each attempt's code in both languages. */
export interface CodeLabels {
  codesFor(campaignId: number): Promise<{ codes: { code: string; label: { vi: string; en: string } }[] }>;
}

export function registerAgentDialRoutes(app: FastifyInstance, deps: { auth: SessionAuth; desktop: AgentDesktop; dialing: AgentDialing; dispositions?: CodeLabels }): void {
  const { auth, desktop, dialing } = deps;
  const session = (request: FastifyRequest) => auth.sessionOf(request)!;
  const body = (request: FastifyRequest) => (request.body ?? {}) as Record<string, unknown>;
  const notSignedIn = (reply: FastifyReply) => reply.code(409).send({ error: { code: 'not-signed-in', message: 'not-signed-in' } });
  /** `invalid` is told apart by what was invalid: the desk words each. */
  const answer = (reply: FastifyReply, request: FastifyRequest, result: AgentDialResult, invalid = 'invalid') => {
    if (!result.ok) {
      const code = result.refusal === 'invalid' ? invalid : result.refusal;
      return reply.code(STATUS[result.refusal] ?? 400).send({ error: { code, message: result.reason } });
    }
    return desktop.state(session(request));
  };

  app.register(async (ui) => {
    ui.addHook('preHandler', auth.require(['agent']));
    ui.post('/ui/agent/preview/call', async (request, reply) => {
      const code = desktop.agentCodeOf(session(request));
      return code ? answer(reply, request, await dialing.call(code)) : notSignedIn(reply);
    });
    ui.post('/ui/agent/preview/skip', async (request, reply) => {
      const code = desktop.agentCodeOf(session(request));
      const b = body(request);
      return code ? answer(reply, request, await dialing.skip(code, b.reason, b.note), 'invalid-reason') : notSignedIn(reply);
    });
    ui.post('/ui/agent/dial', async (request, reply) => {
      const code = desktop.agentCodeOf(session(request));
      return code ? answer(reply, request, await dialing.dial(code, body(request).number), 'invalid-number') : notSignedIn(reply);
    });
    ui.post('/ui/agent/outbound/hangup', async (request, reply) => {
      const code = desktop.agentCodeOf(session(request));
      if (!code) return notSignedIn(reply);
      if (!(await dialing.hangupOutbound(code))) return reply.code(409).send({ error: { code: 'no-call', message: 'no-call' } });
      return desktop.state(session(request));
    });
    ui.get('/ui/agent/contact-history', async (request, reply) => {
      reply.header('Cache-Control', 'no-store');
      const code = desktop.agentCodeOf(session(request));
      if (!code) return notSignedIn(reply);
      const q = request.query as Record<string, string | undefined>;
      const campaignId = Number(q.campaignId);
      const contactId = Number(q.contactId);
      if (!Number.isSafeInteger(campaignId) || campaignId <= 0 || !Number.isSafeInteger(contactId) || contactId < 0) {
        return reply.code(400).send({ error: { code: 'invalid', message: 'campaignId and contactId are required' } });
      }
      const call = desktop.state(session(request)).call;
      if (!dialing.mayView(code, campaignId, contactId, call)) {
        return reply.code(403).send({ error: { code: 'not-your-contact', message: 'only contacts of your own calls and offers' } });
      }
      const attempts = await dialing.history(campaignId, contactId);
      // A code no longer configured has no label: the desk then shows the code itself.
      const codes = attempts.some((a) => a.disposition) && deps.dispositions ? ((await deps.dispositions.codesFor(campaignId).catch(() => null))?.codes ?? []) : [];
      const labelOf = (code: string | null) => (code === null ? null : (codes.find((c) => c.code === code)?.label ?? null));
      return { campaignId, contactId, attempts: attempts.map((a) => ({ ...a, dispositionLabel: labelOf(a.disposition) })) };
    });
  });
}
