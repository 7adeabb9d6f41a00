/**
 * The agent desktop's API (/ui/agent/…), for agent sessions only: the desk state, signing in
 * to and out of the floor, ready, pause with a reason, hang-up, and the wrap-up note. Every
 * action is about the caller's own agent and call; nothing here reveals another agent's.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
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
};

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
    ui.post('/ui/agent/hangup', async (request, reply) => answer(reply, await desktop.hangup(session(request)), request));
    ui.post('/ui/agent/note', async (request, reply) => {
      const b = body(request);
      return answer(reply, await desktop.note(session(request), b.callId, b.note), request);
    });
  });
}
