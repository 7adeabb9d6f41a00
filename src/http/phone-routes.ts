/**
 * The browser phone's routes (/ui/agent/phone…), for agent sessions holding a desk: the phone's
 * SIP identity with a fresh short-lived password (never cached), and on the simulated floor the
 * phone's registration and unregistration (src/web/agent-phone.ts). Without a browser phone
 * (`CCS_WEBRTC_PHONE=off`) the provisioning answers `{ "kind": "off" }`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AgentDesktop } from '../web/agent-desktop.ts';
import type { AgentPhones } from '../web/agent-phone.ts';
import type { SessionAuth } from './session-auth.ts';

const REFUSAL_STATUS = { 'not-signed-in': 409, 'bad-credentials': 401, 'not-simulated': 404 } as const;
const REFUSAL_TEXT = {
  'not-signed-in': 'this desk holds no agent',
  'bad-credentials': 'these phone credentials are not valid (any more)',
  'not-simulated': 'the phone registers with the PBX, not with CCS',
} as const;

export function registerPhoneRoutes(app: FastifyInstance, deps: { auth: SessionAuth; desktop: Pick<AgentDesktop, 'state'>; phones: AgentPhones | null }): void {
  const { auth, desktop, phones } = deps;
  const desk = (request: FastifyRequest) => desktop.state(auth.sessionOf(request)!).desk;

  app.register(async (ui) => {
    ui.addHook('preHandler', auth.require(['agent']));
    ui.get('/ui/agent/phone', async (request, reply) => {
      reply.header('Cache-Control', 'no-store');
      // Agents use phones the PBX knows: the desk shows no phone.
      if (!phones) return { kind: 'off' };
      const held = desk(request);
      if (!held) return reply.code(409).send({ error: { code: 'not-signed-in', message: REFUSAL_TEXT['not-signed-in'] } });
      try {
        return await phones.provision(held, auth.sessionOf(request)!.username);
      } catch (error) {
        request.log.warn({ err: String((error as Error)?.message ?? error) }, 'browser phone credentials could not be issued');
        return reply.code(502).send({ error: { code: 'telephony', message: 'the PBX did not take the phone credentials' } });
      }
    });
    ui.post('/ui/agent/phone/register', async (request, reply) => {
      reply.header('Cache-Control', 'no-store');
      const held = desk(request);
      if (!phones) return reply.code(404).send({ error: { code: 'phone-off', message: 'no phone in the browser' } });
      if (!held) return reply.code(409).send({ error: { code: 'not-signed-in', message: REFUSAL_TEXT['not-signed-in'] } });
      const answer = phones.register(held.agentCode, (request.body ?? {}) as Record<string, unknown>);
      if (!answer.ok) return reply.code(REFUSAL_STATUS[answer.refusal]).send({ error: { code: answer.refusal, message: REFUSAL_TEXT[answer.refusal] } });
      return { registered: true, expiresSeconds: answer.expiresSeconds };
    });
    ui.post('/ui/agent/phone/unregister', async (request) => {
      const held = desk(request);
      if (phones && held) phones.unregister(held.agentCode);
      return { registered: false };
    });
  });
}

/** Where a supervisor's monitoring audio goes, from the account: a phone the PBX knows, a browser phone's station, or nothing set. */
export type SupervisorPhone = { deskPhone: string } | { station: string } | null;

/**
 * A supervisor's phone in the browser (/ui/supervisor/phone…), for supervisor and admin
 * sessions: the same provisioning as a desk's, the station being the account's `stationId`;
 * monitoring rings it (src/service.ts). The credentials end with the session. An account with a
 * `monitorEndpoint` has no browser phone (`{ "kind": "off" }`); one with neither gets
 * `{ "kind": "no-station" }` and registers nothing: the PBX has no endpoint for a station nobody
 * configured, so the phone could only be refused.
 */
export function registerSupervisorPhoneRoutes(
  app: FastifyInstance,
  deps: { auth: SessionAuth; phones: AgentPhones | null; phoneOf(username: string): SupervisorPhone },
): void {
  const { auth, phones } = deps;
  app.register(async (ui) => {
    ui.addHook('preHandler', auth.require(['supervisor', 'admin']));
    ui.get('/ui/supervisor/phone', async (request, reply) => {
      reply.header('Cache-Control', 'no-store');
      if (!phones) return { kind: 'off' };
      const { username } = auth.sessionOf(request)!;
      const phone = deps.phoneOf(username);
      if (phone && 'deskPhone' in phone) return { kind: 'off' };
      if (!phone) return { kind: 'no-station' };
      try {
        return await phones.provision({ agentCode: username, stationId: phone.station }, username);
      } catch (error) {
        request.log.warn({ err: String((error as Error)?.message ?? error) }, 'browser phone credentials could not be issued');
        return reply.code(502).send({ error: { code: 'telephony', message: 'the PBX did not take the phone credentials' } });
      }
    });
    ui.post('/ui/supervisor/phone/register', async (request, reply) => {
      reply.header('Cache-Control', 'no-store');
      if (!phones) return reply.code(404).send({ error: { code: 'phone-off', message: 'no phone in the browser' } });
      const answer = phones.register(auth.sessionOf(request)!.username, (request.body ?? {}) as Record<string, unknown>);
      if (!answer.ok) return reply.code(REFUSAL_STATUS[answer.refusal]).send({ error: { code: answer.refusal, message: answer.refusal === 'not-signed-in' ? 'no phone was issued to this session' : REFUSAL_TEXT[answer.refusal] } });
      return { registered: true, expiresSeconds: answer.expiresSeconds };
    });
    ui.post('/ui/supervisor/phone/unregister', async (request) => {
      phones?.unregister(auth.sessionOf(request)!.username);
      return { registered: false };
    });
  });
}
