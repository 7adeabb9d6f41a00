/**
 * The pacing read API for supervisors (/ops/pacing…): per agent group the pacing in use, its live
 * dial level and the inputs of the prediction; per campaign the abandon rate measured since its
 * start and over the rolling window. Behind the operator guard, like the rest of /ops. Times
 * are local wall-clock times in the contract's format ("YYYY-mm-dd HH:MM:SS"), as everywhere
 * in /ops.
 */
import type { FastifyInstance } from 'fastify';
import { formatContractDatetime } from '../domain/local-time.ts';
import type { PacingGroupSnapshot } from '../engine/pacing/pacing-snapshot.ts';
import { documented, pacingSchemas } from './api-schemas.ts';
import { operatorGuard, type OperatorAuthDeps } from './operator-auth.ts';

export interface PacingRouteDeps {
  pacing: { snapshot(): PacingGroupSnapshot[] };
  auth: OperatorAuthDeps;
  timeZone: string;
}

/** A group's snapshot as served: its instants in local time. */
export function pacingGroupView(group: PacingGroupSnapshot, timeZone: string) {
  return {
    ...group,
    at: formatContractDatetime(group.at, timeZone),
    adaptive: group.adaptive === null ? null : { ...group.adaptive, at: formatContractDatetime(group.adaptive.at, timeZone) },
  };
}

export function registerPacingRoutes(app: FastifyInstance, deps: PacingRouteDeps): void {
  const guard = operatorGuard(deps.auth);
  app.register(async (ops) => {
    ops.addHook('preHandler', guard);

    const groups = () => deps.pacing.snapshot().map((g) => pacingGroupView(g, deps.timeZone));
    ops.get('/ops/pacing', documented(pacingSchemas.all), async () => ({ groups: groups() }));

    ops.get('/ops/campaigns/:id/pacing', documented(pacingSchemas.campaign), async (request, reply) => {
      const id = Number((request.params as { id: string }).id);
      for (const { campaigns, ...group } of groups()) {
        const campaign = campaigns.find((c) => c.campaignId === id);
        if (campaign) return { campaign, group };
      }
      return reply.code(404).send({ error: { code: 'not-found', message: 'No pacing figures for this campaign (not dialling, or unknown).' } });
    });
  });
}
