/**
 * The operator read API (/ops/…): campaigns and their counts, contacts, attempts, live calls,
 * agents, and the callback outbox with replay of dead callbacks.
 */
import type { FastifyInstance } from 'fastify';
import type { OperatorViews } from '../application/operator-views.ts';
import type { CampaignState, ContactState } from '../domain/campaign.ts';
import type { Engine } from '../engine/engine.ts';
import type { CallbackState, Store } from '../ports/store.ts';
import type { Clock } from '../ports/clock.ts';
import { documented, operatorSchemas } from './api-schemas.ts';
import { operatorGuard, type OperatorAuthDeps } from './operator-auth.ts';

export interface OperatorRouteDeps {
  store: Store;
  engine: Engine;
  clock: Clock;
  views: OperatorViews;
  auth: OperatorAuthDeps;
  onReplay(): void;
}

const CAMPAIGN_STATES = ['scheduled', 'running', 'stopping', 'finished'];
const CONTACT_STATES = ['pending', 'dialing', 'final'];
const CALLBACK_STATES = ['pending', 'delivered', 'dead'];

function paging(q: Record<string, string | undefined>, max = 1000) {
  const limit = Math.min(max, Math.max(1, Number(q.limit ?? 100) || 100));
  const offset = Math.max(0, Number(q.offset ?? 0) || 0);
  return { limit, offset };
}

const notFound = { error: { code: 'not-found', message: 'No such campaign.' } };
const badRequest = (message: string) => ({ error: { code: 'bad-request', message } });

export function registerOperatorRoutes(app: FastifyInstance, deps: OperatorRouteDeps): void {
  const { store, views, engine } = deps;
  const guard = operatorGuard(deps.auth);
  const campaignId = (params: unknown) => {
    const id = Number((params as { id: string }).id);
    return Number.isSafeInteger(id) && id > 0 ? id : null;
  };

  app.register(async (ops) => {
    ops.addHook('preHandler', guard);

    ops.get('/ops/campaigns', documented(operatorSchemas.campaigns), async (request, reply) => {
      const q = request.query as Record<string, string | undefined>;
      const states = q.state ? q.state.split(',') : undefined;
      if (states?.some((s) => !CAMPAIGN_STATES.includes(s))) return reply.code(400).send(badRequest(`state must be one of ${CAMPAIGN_STATES.join(', ')}`));
      const list = await store.listCampaigns({ ...paging(q, 500), ...(states ? { states: states as CampaignState[] } : {}) });
      return { campaigns: await Promise.all(list.map(views.campaignView)) };
    });

    ops.get('/ops/campaigns/:id', documented(operatorSchemas.campaign), async (request, reply) => {
      const id = campaignId(request.params);
      const c = id === null ? undefined : await store.getCampaign(id);
      if (!c) return reply.code(404).send(notFound);
      return {
        ...(await views.campaignView(c)),
        calls: engine.liveCalls().filter((l) => l.campaignId === c.id).map(views.liveView),
      };
    });

    ops.get('/ops/campaigns/:id/contacts', documented(operatorSchemas.contacts), async (request, reply) => {
      const id = campaignId(request.params);
      const q = request.query as Record<string, string | undefined>;
      if (id === null || !(await store.getCampaign(id))) return reply.code(404).send(notFound);
      if (q.state && !CONTACT_STATES.includes(q.state)) return reply.code(400).send(badRequest(`state must be one of ${CONTACT_STATES.join(', ')}`));
      const contacts = await store.listContacts(id, { ...paging(q, 5000), ...(q.state ? { state: q.state as ContactState } : {}) });
      return { contacts: contacts.map(views.contactView) };
    });

    ops.get('/ops/campaigns/:id/attempts', documented(operatorSchemas.attempts), async (request, reply) => {
      const id = campaignId(request.params);
      const q = request.query as Record<string, string | undefined>;
      if (id === null || !(await store.getCampaign(id))) return reply.code(404).send(notFound);
      const contactId = q.contactId !== undefined ? Number(q.contactId) : undefined;
      const attempts = await store.listAttempts({ campaignId: id, ...(contactId !== undefined && Number.isFinite(contactId) ? { contactId } : {}), ...paging(q, 5000) });
      return { attempts: attempts.map(views.attemptView) };
    });

    ops.post('/ops/campaigns/:id/close', documented(operatorSchemas.close), async (request, reply) => {
      const id = campaignId(request.params);
      if (id === null) return reply.code(404).send(notFound);
      const result = await engine.closeCampaign(id);
      if (result === 'unknown') return reply.code(404).send(notFound);
      return { campaignid: id, result };
    });

    ops.get('/ops/calls/live', documented(operatorSchemas.liveCalls), async () => ({ calls: engine.liveCalls().map(views.liveView) }));
    ops.get('/ops/agents', documented(operatorSchemas.agents), async () => ({ agents: engine.agents().map(views.agentView) }));

    ops.get('/ops/outbox', documented(operatorSchemas.outbox), async (request, reply) => {
      const q = request.query as Record<string, string | undefined>;
      if (q.state && !CALLBACK_STATES.includes(q.state)) return reply.code(400).send(badRequest(`state must be one of ${CALLBACK_STATES.join(', ')}`));
      const rows = await store.listCallbacks({
        ...paging(q),
        ...(q.state ? { state: q.state as CallbackState } : {}),
        ...(q.campaignId ? { campaignId: Number(q.campaignId) } : {}),
      });
      return { callbacks: rows.map(views.callbackView) };
    });

    ops.get('/ops/outbox/stats', documented(operatorSchemas.outboxStats), async () => views.outboxStatsView(await store.outboxStats()));

    ops.post('/ops/outbox/:id/replay', documented(operatorSchemas.replay), async (request, reply) => {
      const id = Number((request.params as { id: string }).id);
      const target = Number.isSafeInteger(id) ? await store.getCallback(id) : undefined;
      if (target?.state !== 'dead') return reply.code(404).send({ error: { code: 'not-dead', message: 'No dead callback with this id.' } });
      // A finish goes after every update of its campaign: its dead updates are replayed with it.
      if (target.kind === 'finish') {
        for (const update of await store.listCallbacks({ state: 'dead', campaignId: target.campaignId, limit: 100_000 })) {
          if (update.kind === 'update') await store.replayCallback(update.id, deps.clock.now());
        }
      }
      if (!(await store.replayCallback(id, deps.clock.now()))) {
        return reply.code(404).send({ error: { code: 'not-dead', message: 'No dead callback with this id.' } });
      }
      deps.onReplay();
      return { id, state: 'pending' };
    });

    ops.post('/ops/outbox/replay-dead', documented(operatorSchemas.replayDead), async () => {
      let replayed = 0;
      for (;;) {
        const dead = await store.listCallbacks({ state: 'dead', limit: 500 });
        if (dead.length === 0) break;
        for (const c of dead) if (await store.replayCallback(c.id, deps.clock.now())) replayed++;
      }
      deps.onReplay();
      return { replayed };
    });
  });
}
