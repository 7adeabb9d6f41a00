/**
 * The agents the simulated floor knows: its virtual agents (`Agent/<ext>` on station `<ext>`,
 * unattended, so they announce an automatic wrap-up) and any agent signed in by the engine
 * (a person at the desktop, who ends wrap-up themselves). Tracks who is online and words the
 * presence events.
 */
import type { AgentRef, TelephonyEvent } from '../../ports/telephony.ts';

interface AgentState {
  ref: AgentRef;
  online: boolean;
  virtual: boolean;
}

export class AgentRoster {
  private readonly agents = new Map<string, AgentState>();
  /** Agents whose phone is not registered: signing in leaves them offline until it registers. */
  private readonly phonesDown = new Set<string>();

  constructor(
    count: number,
    firstExtension: number,
    private readonly wrapUpSeconds: number,
  ) {
    for (let i = 0; i < count; i++) {
      const station = String(firstExtension + i);
      const agentCode = `Agent/${station}`;
      this.agents.set(agentCode, { ref: { agentCode, stationId: station }, online: false, virtual: true });
    }
  }

  /** Brings the virtual agents up; returns everyone now online. */
  startVirtualAgents(): AgentRef[] {
    for (const agent of this.agents.values()) if (agent.virtual) agent.online = true;
    return this.online();
  }

  online(): AgentRef[] {
    const refs: AgentRef[] = [];
    for (const agent of this.agents.values()) if (agent.online) refs.push(agent.ref);
    return refs;
  }

  /** The agent's reference, online or not (undefined when the floor never knew it). */
  known(agentCode: string): AgentRef | undefined {
    return this.agents.get(agentCode)?.ref;
  }

  isOnline(agentCode: string): boolean | undefined {
    return this.agents.get(agentCode)?.online;
  }

  signIn(ref: AgentRef): void {
    const online = !this.phonesDown.has(ref.agentCode);
    const known = this.agents.get(ref.agentCode);
    if (known) known.online = online;
    else this.agents.set(ref.agentCode, { ref: { ...ref }, online, virtual: false });
  }

  /** The agent's phone registered or unregistered; recorded also for an agent not signed in yet. */
  setPhone(agentCode: string, registered: boolean): void {
    if (registered) this.phonesDown.delete(agentCode);
    else this.phonesDown.add(agentCode);
  }

  /** False for an agent the floor never knew. */
  signOut(agentCode: string): boolean {
    const known = this.agents.get(agentCode);
    if (!known) return false;
    known.online = false;
    return true;
  }

  presenceEvent(agentCode: string): TelephonyEvent | null {
    const agent = this.agents.get(agentCode);
    if (!agent) return null;
    const { stationId } = agent.ref;
    if (!agent.online) return { type: 'agent', agentCode, stationId, presence: 'offline' };
    return agent.virtual
      ? { type: 'agent', agentCode, stationId, presence: 'online', autoWrapUpSeconds: this.wrapUpSeconds }
      : { type: 'agent', agentCode, stationId, presence: 'online' };
  }
}
