/**
 * Call monitoring for supervisors (/ops/monitoring): listen to, whisper to and barge into a
 * connected call, switch the mode, stop; the audit of every session. Behind the operator guard;
 * starting, switching and stopping need a signed-in supervisor (the session's user is the
 * supervisor whose phone is used), the audit may be read with any operator credentials.
 *
 * In a cluster a session lives on the node dialing the call's agent group (its floor and
 * telephony have the call). A request that reaches another node is passed to that one and its
 * answer returned as this node's (src/http/node-forwarding.ts): a start to the node holding the
 * supervisor's session, else to the one dialing the call; a mode change or a stop to the node
 * holding the session. The supervisor's page polls `mine` and the list: they include the
 * sessions in progress on every node. A forwarded request is served where it arrives, never
 * passed on again.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ActiveMonitoring, CallMonitoring, MonitoringAnswer, MonitoringErrorCode } from '../application/call-monitoring.ts';
import type { MonitoringPlacement, NodeAddress } from '../application/monitoring-placement.ts';
import { formatContractDatetime } from '../domain/local-time.ts';
import type { MonitoringRecord } from '../ports/monitoring-store.ts';
import { documented, monitoringSchemas } from './api-schemas.ts';
import type { NodeForwarding } from './node-forwarding.ts';
import { operatorGuard, type OperatorAuthDeps } from './operator-auth.ts';

export interface MonitoringRouteDeps {
  monitoring: CallMonitoring;
  auth: OperatorAuthDeps;
  timeZone: string;
  /** In a cluster: which node serves a call, and the passing of requests to it. */
  cluster?: { forwarding: NodeForwarding; placement: Pick<MonitoringPlacement, 'nodeOfCall' | 'otherNodes'> };
}

type ActiveView = ReturnType<typeof activeViewIn>;
const activeViewIn = (s: ActiveMonitoring, t: (ms: number) => string) => ({ ...s, since: t(s.since), startedAt: t(s.startedAt) });

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
  const activeView = (s: ActiveMonitoring) => activeViewIn(s, t);
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

  const cluster = deps.cluster;
  const unreachable = (reply: FastifyReply, message: string) => reply.code(503).send({ error: { code: 'node-unreachable', message } });
  /** Whether this request is served here whatever it asks: one node alone, or a request another node passed on. */
  const servedHere = (request: FastifyRequest) => !cluster || cluster.forwarding.origin(request) === 'forwarded';

  /** The sessions in progress on the other nodes, each with its node; the nodes that did not answer in `missed`. */
  async function activeElsewhere(request: FastifyRequest): Promise<{ found: { node: NodeAddress; session: ActiveView }[]; missed: string[] }> {
    if (!cluster || servedHere(request)) return { found: [], missed: [] };
    const nodes = await cluster.placement.otherNodes();
    const answers = await Promise.all(nodes.map(async (node) => ({ node, answer: await cluster.forwarding.forward(node, request, { method: 'GET', path: '/ops/monitoring?limit=1' }) })));
    const found: { node: NodeAddress; session: ActiveView }[] = [];
    const missed: string[] = [];
    for (const { node, answer } of answers) {
      const active = answer.ok && answer.status === 200 ? (answer.body as { active?: ActiveView[] } | null)?.active : undefined;
      if (!Array.isArray(active)) {
        missed.push(answer.ok ? `node ${node.id} answered ${answer.status}` : answer.message);
        continue;
      }
      for (const session of active) found.push({ node, session });
    }
    if (missed.length > 0) request.log.warn({ missed }, 'monitoring sessions of other nodes not read');
    return { found, missed };
  }

  /**
   * The node that serves this supervisor's request: null for this one, `unknown` when a node
   * that may hold the session did not answer. The node holding the supervisor's session comes
   * first (one session per supervisor), then, for a start, the node dialing the call.
   */
  async function servingNode(request: FastifyRequest, supervisor: string, start?: { callId: unknown }): Promise<NodeAddress | 'unknown' | null> {
    if (!cluster || servedHere(request) || monitoring.current(supervisor)) return null;
    const elsewhere = await activeElsewhere(request);
    const holding = elsewhere.found.find((f) => f.session.supervisor === supervisor);
    if (holding) return holding.node;
    if (!start) return elsewhere.missed.length > 0 ? 'unknown' : null;
    const { callId } = start;
    if (typeof callId !== 'string' || !callId || monitoring.hasCall(callId)) return null;
    return await cluster.placement.nodeOfCall(callId);
  }

  /** Serves the request here, or passes it to the node that serves it and answers with its answer. */
  async function served(request: FastifyRequest, reply: FastifyReply, node: NodeAddress | 'unknown' | null, here: () => Promise<unknown>) {
    if (node === null) return here();
    if (node === 'unknown') return unreachable(reply, 'A node of the cluster that may hold your monitoring session did not answer; try again in a moment.');
    const forwarded = await cluster!.forwarding.forward(node, request);
    if (!forwarded.ok) return unreachable(reply, `The node serving this call did not answer; try again in a moment (${forwarded.message}).`);
    return reply.code(forwarded.status).send(forwarded.body);
  }

  app.register(async (ops) => {
    // Only nodes pass requests on: the header without their shared secret's signature is refused.
    if (cluster) {
      ops.addHook('onRequest', async (request, reply) => {
        if (cluster.forwarding.origin(request) === 'forged')
          return reply.code(403).send({ error: { code: 'forbidden', message: 'This request claims to come from another node of the cluster, but is not signed with the cluster\'s secret.' } });
      });
    }
    ops.addHook('preHandler', operatorGuard(deps.auth));

    ops.get('/ops/monitoring', documented(monitoringSchemas.list), async (request) => {
      const q = request.query as { limit?: string; supervisor?: string; callId?: string };
      const limit = Number(q.limit ?? 100);
      const sessions = await monitoring.history({
        limit: Number.isFinite(limit) ? Math.min(1000, Math.max(1, limit)) : 100,
        ...(q.supervisor ? { supervisor: q.supervisor } : {}),
        ...(q.callId ? { callId: q.callId } : {}),
      });
      const elsewhere = await activeElsewhere(request);
      return { sessions: sessions.map(recordView), active: [...monitoring.active().map(activeView), ...elsewhere.found.map((f) => f.session)] };
    });

    ops.get('/ops/monitoring/mine', documented(monitoringSchemas.mine), async (request, reply) => {
      const supervisor = supervisorOf(request);
      if (!supervisor) return noSession(reply);
      const session = monitoring.current(supervisor);
      if (session || servedHere(request)) return { session: session ? activeView(session) : null };
      const elsewhere = await activeElsewhere(request);
      const held = elsewhere.found.find((f) => f.session.supervisor === supervisor);
      if (held) return { session: held.session };
      if (elsewhere.missed.length > 0) return unreachable(reply, 'A node of the cluster that may hold your monitoring session did not answer; try again in a moment.');
      return { session: null };
    });

    ops.post('/ops/monitoring', documented(monitoringSchemas.start), async (request, reply) => {
      const supervisor = supervisorOf(request);
      if (!supervisor) return noSession(reply);
      const { callId, mode } = body(request);
      return served(request, reply, await servingNode(request, supervisor, { callId }), async () => answer(await monitoring.start(supervisor, callId, mode), reply));
    });

    ops.post('/ops/monitoring/mine/mode', documented(monitoringSchemas.mode), async (request, reply) => {
      const supervisor = supervisorOf(request);
      if (!supervisor) return noSession(reply);
      return served(request, reply, await servingNode(request, supervisor), async () => answer(await monitoring.switchMode(supervisor, body(request).mode), reply));
    });

    ops.post('/ops/monitoring/mine/stop', documented(monitoringSchemas.stop), async (request, reply) => {
      const supervisor = supervisorOf(request);
      if (!supervisor) return noSession(reply);
      return served(request, reply, await servingNode(request, supervisor), async () => answer(await monitoring.stop(supervisor), reply));
    });
  });
}
