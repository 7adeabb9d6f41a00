/**
 * Call monitoring for supervisors (/ops/monitoring): listen to, whisper to and barge into a
 * connected call, switch the mode, stop; the audit of every session. Behind the operator guard;
 * starting, switching and stopping need a signed-in supervisor (the session's user is the
 * supervisor whose phone is used), the audit may be read with any operator credentials.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ActiveMonitoring, CallMonitoring, MonitoringAnswer, MonitoringErrorCode } from '../application/call-monitoring.ts';
import { formatContractDatetime } from '../domain/local-time.ts';
import type { MonitoringRecord } from '../ports/monitoring-store.ts';
import { documented, monitoringSchemas } from './api-schemas.ts';
import { operatorGuard, type OperatorAuthDeps } from './operator-auth.ts';

export interface MonitoringRouteDeps {
  monitoring: CallMonitoring;
  auth: OperatorAuthDeps;
  timeZone: string;
}

const STATUS: Record<MonitoringErrorCode, number> = {
  invalid: 400,
  'not-monitoring': 404,
  'not-connected': 409,
  busy: 409,
  'call-monitored': 409,
  'no-endpoint': 409,
  'phone-unregistered': 409,
  switching: 409,
  'same-mode': 409,
  telephony: 502,
  audit: 503,
};

export function registerMonitoringRoutes(app: FastifyInstance, deps: MonitoringRouteDeps): void {
  const { monitoring } = deps;
  const t = (ms: number) => formatContractDatetime(ms, deps.timeZone);
  const activeView = (s: ActiveMonitoring) => ({ ...s, since: t(s.since), startedAt: t(s.startedAt) });
  const recordView = (r: MonitoringRecord) => ({
    ...r,
    startedAt: t(r.startedAt),
    endedAt: r.endedAt === null ? null : t(r.endedAt),
    modes: r.modes.map((m) => ({ mode: m.mode, from: t(m.from), to: m.to === null ? null : t(m.to) })),
  });
  /** The signed-in supervisor behind the request, or null (operator token, local command line). */
  const supervisorOf = (request: FastifyRequest) => deps.auth.sessionUser?.(request) ?? null;
  const noSession = (reply: FastifyReply) =>
    reply.code(403).send({ error: { code: 'forbidden', message: "Monitoring is done from a signed-in supervisor's page: it uses the supervisor's phone." } });
  const answer = (result: MonitoringAnswer, reply: FastifyReply) =>
    result.ok ? { session: activeView(result.session) } : reply.code(STATUS[result.code]).send({ error: { code: result.code, message: result.message } });
  const body = (request: FastifyRequest) => (typeof request.body === 'object' && request.body !== null ? (request.body as Record<string, unknown>) : {});

  app.register(async (ops) => {
    ops.addHook('preHandler', operatorGuard(deps.auth));

    ops.get('/ops/monitoring', documented(monitoringSchemas.list), async (request) => {
      const q = request.query as { limit?: string; supervisor?: string; callId?: string };
      const limit = Number(q.limit ?? 100);
      const sessions = await monitoring.history({
        limit: Number.isFinite(limit) ? Math.min(1000, Math.max(1, limit)) : 100,
        ...(q.supervisor ? { supervisor: q.supervisor } : {}),
        ...(q.callId ? { callId: q.callId } : {}),
      });
      return { sessions: sessions.map(recordView), active: monitoring.active().map(activeView) };
    });

    ops.get('/ops/monitoring/mine', documented(monitoringSchemas.mine), async (request, reply) => {
      const supervisor = supervisorOf(request);
      if (!supervisor) return noSession(reply);
      const session = monitoring.current(supervisor);
      return { session: session ? activeView(session) : null };
    });

    ops.post('/ops/monitoring', documented(monitoringSchemas.start), async (request, reply) => {
      const supervisor = supervisorOf(request);
      if (!supervisor) return noSession(reply);
      const { callId, mode } = body(request);
      return answer(await monitoring.start(supervisor, callId, mode), reply);
    });

    ops.post('/ops/monitoring/mine/mode', documented(monitoringSchemas.mode), async (request, reply) => {
      const supervisor = supervisorOf(request);
      if (!supervisor) return noSession(reply);
      return answer(await monitoring.switchMode(supervisor, body(request).mode), reply);
    });

    ops.post('/ops/monitoring/mine/stop', documented(monitoringSchemas.stop), async (request, reply) => {
      const supervisor = supervisorOf(request);
      if (!supervisor) return noSession(reply);
      return answer(await monitoring.stop(supervisor), reply);
    });
  });
}
