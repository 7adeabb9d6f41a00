/**
 * Which Asterisk server a customer leg goes to. Only a server that is up and below its channel
 * limit is a choice. When the engine names the agents who could take the call, the leg goes to
 * a server where at least one of them is: the one with the most of them free, less the legs
 * already placed there for the same group and not yet bridged (those will take the free
 * agents first); ties go to the server with more of the group's agents, then to the one with
 * fewer legs up. Without agents named, the server with fewest legs up.
 */
import type { CallRoute } from '../../ports/telephony.ts';

export interface ServerLoad {
  name: string;
  up: boolean;
  /** Customer legs up (placed and not ended). */
  legs: number;
  /** 0 = no limit. */
  channelLimit: number;
  /** Legs of a group placed and not yet bridged to an agent. */
  waitingLegs(group: string): number;
  /** Whether the agent's phone is on this server and online. */
  hasAgent(agentCode: string): boolean;
}

export type ServerChoice = { server: string } | { refused: string };

export function chooseServer(servers: readonly ServerLoad[], route: CallRoute | undefined): ServerChoice {
  const open = servers.filter((s) => s.up && (s.channelLimit === 0 || s.legs < s.channelLimit));
  if (open.length === 0) {
    const up = servers.filter((s) => s.up);
    return { refused: up.length === 0 ? 'no Asterisk server is up' : `every Asterisk server up is at its channel limit (${up.map((s) => `${s.name} ${s.legs}/${s.channelLimit}`).join(', ')})` };
  }
  if (!route || route.agents.length === 0) return { server: fewestLegs(open).name };
  let best: { server: ServerLoad; score: number; present: number } | null = null;
  for (const server of open) {
    let present = 0;
    let ready = 0;
    for (const agent of route.agents) {
      if (!server.hasAgent(agent.agentCode)) continue;
      present++;
      if (agent.ready) ready++;
    }
    if (present === 0) continue;
    const score = ready - server.waitingLegs(route.group);
    if (!best || score > best.score || (score === best.score && (present > best.present || (present === best.present && server.legs < best.server.legs)))) {
      best = { server, score, present };
    }
  }
  if (!best) return { refused: `no Asterisk server that is up with channel room has an agent of group ${route.group} online` };
  return { server: best.server.name };
}

function fewestLegs(servers: ServerLoad[]): ServerLoad {
  return servers.reduce((a, b) => (b.legs < a.legs ? b : a));
}
