/**
 * The agent desktop's API (/ui/agent/…), for agent sessions only: the desk state, signing in
 * to and out of the floor, ready, pause with a reason (and cancelling one pending after the
 * call), hang-up, call controls (hold, mute, keypad, transfer, conference) and the wrap-up
 * note. Every action is about the caller's own agent and call; nothing here reveals another
 * agent's (the transfer picker lists ready agents' codes only, to the agent on a call).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ControlIntent, ControlTarget } from '../engine/call-controls.ts';
import type { AgentDesktop, DeskResult } from '../web/agent-desktop.ts';
import type { SessionAuth } from './session-auth.ts';

const STATUS: Record<string, number> = {
  invalid: 400,
  'agent-code-mismatch': 403,
  'agent-code-taken': 409,
  'agent-code-in-use': 409,
  'not-signed-in': 409,
  'in-call': 409,
  'in-wrap-up': 409,
  'code-required': 409,
  offline: 409,
  'no-call': 409,
  telephony: 502,
  'not-connected': 409,
  'transfer-state': 409,
  'target-busy': 409,
  'number-not-allowed': 403,
  'invalid-target': 400,
  'invalid-digits': 400,
};

/** The call-control intent a `POST /ui/agent/call/<action>` body asks for, or null when it is malformed. */
function controlIntent(action: string, body: Record<string, unknown>, desktop: AgentDesktop): ControlIntent | null {
  switch (action) {
    case 'hold':
    case 'resume':
    case 'mute':
    case 'unmute':
    case 'conference':
      return { type: action };
    case 'complete-transfer':
      return { type: 'complete' };
    case 'cancel-transfer':
      return { type: 'cancel' };
    case 'dtmf':
      return typeof body.digits === 'string' ? { type: 'dtmf', digits: body.digits } : null;
    case 'transfer': {
      const mode = body.mode === 'blind' || body.mode === 'attended' ? body.mode : null;
      const t = (body.target ?? {}) as Record<string, unknown>;
      let target: ControlTarget | null = null;
      if (t.kind === 'agent' && typeof t.agentCode === 'string') target = { kind: 'agent', agentCode: t.agentCode };
      else if (t.kind === 'number' && typeof t.number === 'string') target = { kind: 'number', number: t.number };
      else if (t.kind === 'supervisor' && typeof t.username === 'string') {
        const phone = desktop.supervisorPhone(t.username);
        if (phone) target = { kind: 'supervisor', username: phone.username, endpoint: phone.endpoint };
      }
      return mode && target ? { type: 'transfer', target, mode } : null;
    }
    default:
      return null;
  }
}

export function registerDesktopRoutes(app: FastifyInstance, deps: { auth: SessionAuth; desktop: AgentDesktop }): void {
  const { auth, desktop } = deps;
  const guard = auth.require(['agent']);
  const session = (request: FastifyRequest) => auth.sessionOf(request)!;
  const answer = (reply: FastifyReply, result: DeskResult, request: FastifyRequest) => {
    if (!result.ok) return reply.code(STATUS[result.error] ?? 400).send({ error: { code: result.error, message: result.message ?? result.error } });
    return desktop.state(session(request));
  };
  const body = (request: FastifyRequest) => (request.body ?? {}) as Record<string, unknown>;

  app.register(async (ui) => {
    ui.addHook('preHandler', guard);
    ui.get('/ui/agent/state', async (request, reply) => {
      reply.header('Cache-Control', 'no-store');
      // A desk reconnecting after a restart brings its agent back to the floor.
      await desktop.resume(session(request));
      return desktop.state(session(request));
    });
    ui.post('/ui/agent/sign-in', async (request, reply) => answer(reply, await desktop.signIn(session(request), body(request)), request));
    ui.post('/ui/agent/sign-out', async (request, reply) => answer(reply, await desktop.signOut(session(request)), request));
    ui.post('/ui/agent/ready', async (request, reply) => answer(reply, desktop.ready(session(request)), request));
    ui.post('/ui/agent/pause', async (request, reply) => answer(reply, desktop.pause(session(request), body(request).reason), request));
    ui.post('/ui/agent/cancel-pause-after-call', async (request, reply) => answer(reply, desktop.cancelPauseAfterCall(session(request)), request));
    ui.post('/ui/agent/hangup', async (request, reply) => answer(reply, await desktop.hangup(session(request)), request));
    ui.get('/ui/agent/transfer-targets', async (request, reply) => {
      reply.header('Cache-Control', 'no-store');
      const targets = desktop.transferTargets(session(request));
      return targets ?? reply.code(409).send({ error: { code: 'no-call', message: 'no call in progress' } });
    });
    ui.post<{ Params: { action: string } }>('/ui/agent/call/:action', async (request, reply) => {
      const b = body(request);
      const intent = controlIntent(request.params.action, b, desktop);
      if (!intent) return reply.code(400).send({ error: { code: 'invalid', message: `not a call control: ${request.params.action}` } });
      return answer(reply, await desktop.control(session(request), b.callId, intent), request);
    });
    ui.post('/ui/agent/note', async (request, reply) => {
      const b = body(request);
      return answer(reply, await desktop.note(session(request), b.callId, b.note), request);
    });
  });
}
