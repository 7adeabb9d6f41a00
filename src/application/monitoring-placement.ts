/**
 * Which node of a cluster serves a supervisor's monitoring of a call: the one dialing the call's
 * agent group (its floor lists the call, and its telephony connection follows it). Read from
 * the shared database: the call's campaign gives the group, the lease table its holder.
 */
import type { ClusterNode } from '../ports/coordination.ts';

/** Another node and where the others reach it (null: it has not said). */
export interface NodeAddress {
  id: string;
  url: string | null;
}

export interface MonitoringPlacementDeps {
  /** This node's id. */
  nodeId: string;
  nodes(): Promise<ClusterNode[]>;
  /** The agent group dialing the call's campaign; null for a call the database does not know (or a manual call). */
  groupOfCall(callId: string): Promise<string | null>;
}

export function monitoringPlacement(deps: MonitoringPlacementDeps) {
  const others = async () => (await deps.nodes()).filter((n) => n.id !== deps.nodeId);
  return {
    /** The other node dialing `callId`'s group; null when it is this node, or none does. */
    async nodeOfCall(callId: string): Promise<NodeAddress | null> {
      const group = await deps.groupOfCall(callId);
      if (group === null) return null;
      const holder = (await others()).find((n) => n.groups.includes(group));
      return holder ? { id: holder.id, url: holder.url ?? null } : null;
    },
    /** Every other live node. */
    async otherNodes(): Promise<NodeAddress[]> {
      return (await others()).map((n) => ({ id: n.id, url: n.url ?? null }));
    },
  };
}

export type MonitoringPlacement = ReturnType<typeof monitoringPlacement>;
