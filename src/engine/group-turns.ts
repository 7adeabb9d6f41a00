/**
 * Which agent group the dialer serves next. Three queues of groups, each group at most once in
 * each: `freed` holds the groups where an agent just became free, `changed` those where
 * something else concerning the group alone happened (one of its calls ended), `sweep` the
 * groups of a full pass (a timer, a campaign started, anything that may concern every group).
 * The dialer takes one group at a time: a group with a free agent every other turn at least,
 * the other two queues taking turns in between, so a free agent waits for at most one other
 * group's turn behind each group freed before it, and a full pass still reaches every group
 * however many events arrive. A group served is taken out of every queue; named again while it
 * is being served, it is queued again (the event may have come after its floor was read).
 */
export type TurnReason = 'freed' | 'changed';

export class GroupTurns {
  private freed = new Set<string>();
  private changed = new Set<string>();
  private sweep = new Set<string>();
  private lastWasFreed = false;
  private lastOtherWasSweep = false;

  /** An event concerns this group only. */
  nudge(group: string, reason: TurnReason = 'changed'): void {
    (reason === 'freed' ? this.freed : this.changed).add(group);
  }

  /** A full pass over these groups. */
  sweepAll(groups: Iterable<string>): void {
    for (const group of groups) this.sweep.add(group);
  }

  /** A group with a free agent is waiting for its turn. */
  get freedWaiting(): boolean {
    return this.freed.size > 0;
  }

  get pending(): boolean {
    return this.freed.size > 0 || this.changed.size > 0 || this.sweep.size > 0;
  }

  /** The next group to serve, or undefined when none is waiting. */
  next(): string | undefined {
    const others = this.lastOtherWasSweep ? [this.changed, this.sweep] : [this.sweep, this.changed];
    const order = this.lastWasFreed ? [...others, this.freed] : [this.freed, ...others];
    const queue = order.find((q) => q.size > 0);
    if (!queue) return undefined;
    const group = queue.values().next().value!;
    this.lastWasFreed = queue === this.freed;
    if (!this.lastWasFreed) this.lastOtherWasSweep = queue === this.sweep;
    this.freed.delete(group);
    this.changed.delete(group);
    this.sweep.delete(group);
    return group;
  }

  clear(): void {
    this.freed.clear();
    this.changed.clear();
    this.sweep.clear();
  }
}
