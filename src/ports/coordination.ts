/**
 * The coordination port: which node of a cluster dials which agent group.
 *
 * Glossary:
 * - node: one CCS process; every node serves the API, the web UI, /ops and callback delivery.
 * - lease: the right to dial one agent group, held by one node at a time, renewed well inside
 *   its term; a node that cannot renew in time gives the group up before the term runs out.
 * - token: the lease's fencing token, one higher at every change of holder. The store's writes
 *   that only the dialing node may make (an attempt begun, its progress and end, a campaign's
 *   finish) check, in their own transaction, that this node still holds the lease with its
 *   token; otherwise they are refused with `LeaseLostError`.
 * - signal: "campaigns changed" (one received, one closed), sent by whichever node took the
 *   request and delivered to every node, so the group's holder takes it up at once.
 *
 * Implementations: `single-node` (SQLite, the memory store: this node always holds every
 * lease) and `postgres` (leases, heartbeats and LISTEN/NOTIFY in the shared database).
 */

/** What a node sees of the cluster (`GET /ops/cluster`). */
export interface ClusterNode {
  id: string;
  /** Whether it holds at least one group's lease. */
  dialing: boolean;
  /** The agent groups whose lease it holds, sorted. */
  groups: string[];
  /** Its last heartbeat (epoch ms, by the database's clock). */
  lastSeenAt: number;
  /** Where the other nodes reach it (`CCS_NODE_URL`); absent for one node alone, null before it has said. */
  url?: string | null;
}

export interface CoordinationHandlers {
  /** This node now holds the group's lease: load and dial its campaigns. */
  acquired(group: string): Promise<void>;
  /** This node no longer holds the group's lease: stop dialing it at once, write nothing more for it. */
  lost(group: string): void;
  /** Some node received or closed a campaign: look at the stored campaigns again. */
  campaignsChanged(): void;
}

export interface Coordination {
  readonly nodeId: string;
  /** Whether a cluster is in use (false: one node holds every lease). */
  readonly clustered: boolean;
  /**
   * Joins: heartbeats, takes the leases of `groups` that are free and keeps renewing them.
   * Resolves after the first round, so the groups held at start are known before the engine
   * starts; `handlers` hear of changes after that.
   */
  start(groups: readonly string[], handlers: CoordinationHandlers): Promise<void>;
  /** Whether this node holds the group's lease now. */
  holds(group: string): boolean;
  /** The groups this node holds, sorted. */
  held(): string[];
  /** Tells every node (this one too) that campaigns changed. Never rejects. */
  signal(): Promise<void>;
  /** Every live node. */
  nodes(): Promise<ClusterNode[]>;
  /** Gives up every lease (so another node takes them at once) and stops heartbeating. */
  stop(): Promise<void>;
}

/** A write only the holder of a group's lease may make, refused because this node no longer holds it (or not with that token). */
export class LeaseLostError extends Error {
  readonly code = 'CCS_LEASE_LOST';
  constructor(
    readonly group: string,
    message = `this node no longer holds the lease of agent group ${JSON.stringify(group)}`,
  ) {
    super(message);
    this.name = 'LeaseLostError';
  }
}

export function isLeaseLost(error: unknown): error is LeaseLostError {
  return error instanceof LeaseLostError || (error as { code?: unknown } | null)?.code === 'CCS_LEASE_LOST';
}
