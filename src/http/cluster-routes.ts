/**
 * GET /ops/cluster: every live node of the cluster, whether it dials now and which agent
 * groups it holds (src/ports/coordination.ts); one node alone lists itself. Guarded like the
 * rest of the operator API; times in the contract's format, zone CCS_TIMEZONE.
 */
import type { FastifyInstance } from 'fastify';
import { formatContractDatetime } from '../domain/local-time.ts';
import type { ClusterNode, Coordination } from '../ports/coordination.ts';
import { clusterSchemas, documented } from './api-schemas.ts';
import { operatorGuard, type OperatorAuthDeps } from './operator-auth.ts';

export interface ClusterRouteDeps {
  auth: OperatorAuthDeps;
  coordination: Pick<Coordination, 'nodes'>;
  timeZone: string;
}

export function clusterView(nodes: readonly ClusterNode[], timeZone: string) {
  return {
    nodes: nodes.map((n) => ({ id: n.id, dialing: n.dialing, groups: [...n.groups], lastSeen: formatContractDatetime(n.lastSeenAt, timeZone) })),
  };
}

export function registerClusterRoutes(app: FastifyInstance, deps: ClusterRouteDeps): void {
  app.register(async (scope) => {
    scope.addHook('onRequest', operatorGuard(deps.auth));
    scope.get('/ops/cluster', documented(clusterSchemas.cluster), async () => clusterView(await deps.coordination.nodes(), deps.timeZone));
  });
}
