/**
 * Campaign control for supervisors (/ops/campaigns/{id}/pause|resume|pacing, /ops/agents/{code}/group):
 * behind the operator guard like close, so the web UI's session (with its CSRF check on unsafe
 * requests), the operator token and the local command line may use them. Each change is
 * audited with who made it (the session's user, `operator-token` or `local`).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formatContractDatetime } from '../domain/local-time.ts';
import type { CampaignControls, ControlResult } from '../engine/campaign-controls.ts';
import type { CampaignControl, ControlAuditEntry } from '../ports/campaign-control-store.ts';
import type { Profile } from '../domain/profile.ts';
import type { Store } from '../ports/store.ts';
import { controlSchemas, documented } from './api-schemas.ts';
import { operatorGuard, type OperatorAuthDeps } from './operator-auth.ts';
import { operatorActor } from './recording-ops-routes.ts';

export interface CampaignControlRouteDeps {
  controls: CampaignControls;
  store: Store;
  auth: OperatorAuthDeps;
  timeZone: string;
  profileOf(campaign: { typeId: number | null }): Profile;
}

const error = (code: string, message: string) => ({ error: { code, message } });

export function registerCampaignControlRoutes(app: FastifyInstance, deps: CampaignControlRouteDeps): void {
  const { controls } = deps;
  const guard = operatorGuard(deps.auth);
  const t = (ms: number) => formatContractDatetime(ms, deps.timeZone);
  const actor = (request: FastifyRequest) => operatorActor(deps.auth, request).actor;
  const idOf = (params: unknown) => {
    const raw = (params as { id: string }).id;
    const id = /^\d+$/.test(raw) ? Number(raw) : NaN;
    return Number.isSafeInteger(id) && id > 0 ? id : null;
  };
  const auditView = (a: ControlAuditEntry) => ({ ...a, at: t(a.at) });
  const controlView = async (c: CampaignControl) => {
    const campaign = await deps.store.getCampaign(c.campaignId);
    const own = deps.profileOf({ typeId: campaign?.typeId ?? null });
    return {
      paused: c.paused,
      dialMode: c.dialMode,
      powerRatio: c.powerRatio,
      abandonTarget: c.abandonTarget,
      updatedAt: t(c.updatedAt),
      updatedBy: c.updatedBy,
      profileDefaults: { dialMode: own.dialMode, powerRatio: own.powerRatio, abandonTarget: own.abandonTarget },
    };
  };

  const answer = async (id: number, result: ControlResult, reply: FastifyReply) => {
    if (result.ok) return { campaignid: id, changed: result.changed, control: await controlView(result.value) };
    if (result.error === 'unknown') return reply.code(404).send(error('not-found', 'No such campaign.'));
    if (result.error === 'not-active') return reply.code(409).send(error('not-active', 'The campaign is stopping or finished: nothing to control.'));
    return reply.code(400).send(error('bad-request', result.message ?? 'Invalid value.'));
  };

  app.register(async (ops) => {
    ops.addHook('preHandler', guard);

    ops.post('/ops/campaigns/:id/pause', documented(controlSchemas.pause), async (request, reply) => {
      const id = idOf(request.params);
      if (id === null) return reply.code(404).send(error('not-found', 'No such campaign.'));
      return answer(id, await controls.pause(id, actor(request)), reply);
    });

    ops.post('/ops/campaigns/:id/resume', documented(controlSchemas.resume), async (request, reply) => {
      const id = idOf(request.params);
      if (id === null) return reply.code(404).send(error('not-found', 'No such campaign.'));
      return answer(id, await controls.resume(id, actor(request)), reply);
    });

    const pacing = async (request: FastifyRequest, reply: FastifyReply) => {
      const id = idOf(request.params);
      if (id === null) return reply.code(404).send(error('not-found', 'No such campaign.'));
      const body = request.body;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) return reply.code(400).send(error('bad-request', 'A JSON object with dialMode, powerRatio and/or abandonTarget is required.'));
      const input = body as Record<string, unknown>;
      const unknownField = Object.keys(input).find((k) => !['dialMode', 'powerRatio', 'abandonTarget'].includes(k));
      if (unknownField) return reply.code(400).send(error('bad-request', `Unknown field ${unknownField}: dialMode, powerRatio and abandonTarget may be set.`));
      if (Object.keys(input).length === 0) return reply.code(400).send(error('bad-request', 'Nothing to change: give dialMode, powerRatio and/or abandonTarget.'));
      return answer(id, await controls.setPacing(id, input, actor(request)), reply);
    };
    ops.put('/ops/campaigns/:id/pacing', documented(controlSchemas.pacing), pacing);
    ops.patch('/ops/campaigns/:id/pacing', documented(controlSchemas.pacing), pacing);

    ops.get('/ops/campaigns/:id/control-audit', documented(controlSchemas.audit), async (request, reply) => {
      const id = idOf(request.params);
      if (id === null || !(await deps.store.getCampaign(id))) return reply.code(404).send(error('not-found', 'No such campaign.'));
      return { audit: (await controls.audit({ targetKind: 'campaign', targetId: String(id) })).map(auditView) };
    });

    ops.get('/ops/control-audit', documented(controlSchemas.controlAudit), async (request) => {
      const limit = Number((request.query as { limit?: string }).limit ?? 100);
      return { audit: (await controls.audit({ limit: Number.isFinite(limit) ? Math.min(1000, Math.max(1, limit)) : 100 })).map(auditView) };
    });

    ops.get('/ops/agent-groups', documented(controlSchemas.groups), async () => ({ groups: controls.knownGroups() }));

    const moveAgent = async (request: FastifyRequest, reply: FastifyReply) => {
      const code = (request.params as { code: string }).code;
      const group = (request.body as { group?: unknown } | null)?.group;
      const result = await controls.moveAgent(code, group, actor(request));
      if (result.ok) return { agentcode: code, group: result.value.group, changed: result.changed };
      if (result.error === 'unknown') return reply.code(404).send(error('not-found', 'No such agent (not on the floor, not configured).'));
      return reply.code(400).send(error('bad-request', result.message ?? 'Invalid group.'));
    };
    ops.put('/ops/agents/:code/group', documented(controlSchemas.agentGroup), moveAgent);
    ops.patch('/ops/agents/:code/group', documented(controlSchemas.agentGroup), moveAgent);
  });
}
