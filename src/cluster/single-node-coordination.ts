/**
 * One node alone (SQLite, the memory store): it holds every group's lease from the start and
 * never loses one; a signal reaches only itself. Behaviour is that of CCS before clustering.
 */
import type { ClusterNode, Coordination, CoordinationHandlers } from '../ports/coordination.ts';

export function singleNodeCoordination(nodeId: string, now: () => number): Coordination {
  let groups: string[] = [];
  let handlers: CoordinationHandlers | null = null;
  return {
    nodeId,
    clustered: false,
    async start(all, h) {
      groups = [...new Set(all)].sort();
      handlers = h;
    },
    holds: () => true,
    held: () => [...groups],
    async signal() {
      handlers?.campaignsChanged();
    },
    async nodes(): Promise<ClusterNode[]> {
      return [{ id: nodeId, dialing: groups.length > 0, groups: [...groups], lastSeenAt: now() }];
    },
    async stop() {
      handlers = null;
    },
  };
}
