// The wallboard's figures from one snapshot of /ui/wallboard (see src/web/wallboard.ts): agents by
// state, live calls by stage, the answer rate (the dashboard's definition, answer-rate.ts), the
// abandon rate of the active campaigns against the lowest abandon target among them (the cap).
import { answerRate } from '../supervisor/answer-rate.ts';

export interface WallboardSnapshot {
  at: number;
  agents: { agentcode: string; group: string; state: string; secondsInState: number }[];
  calls: { campaignid: number; state: string; agentcode: string | null; answeredAt: string | null; seconds: number }[];
  campaigns: { campaignid: number; state: string; abandonTarget: number | null; counts: { contactTotal: number; contactsFinal: number; attemptsByStatus: Record<string, number> } }[];
  callbacks: { due: number; nextHour: number } | null;
  crm: { pending: number; dead: number; oldestPendingAgeSeconds: number | null };
}

export const AGENT_STATES = ['ready', 'talking', 'wrap-up', 'paused'] as const;

export interface WallboardFigures {
  agentsOnline: number;
  /** Agents per state; `talking` includes agents being connected (reserved). */
  agentsBy: Record<(typeof AGENT_STATES)[number], number>;
  calls: { total: number; ringing: number; talking: number; waiting: number };
  answerRate: number | null;
  /** Of the calls with an outcome (dialled), those a person picked up (answer-rate.ts). */
  answered: number;
  dialled: number;
  abandonRate: number | null;
  /** The lowest abandon target of the active campaigns (null: none set). */
  abandonCap: number | null;
  overCap: boolean;
}

export function wallboardFigures(s: WallboardSnapshot): WallboardFigures {
  const online = s.agents.filter((a) => a.state !== 'offline');
  const count = (...states: string[]) => online.filter((a) => states.includes(a.state)).length;
  let answered = 0;
  let abandoned = 0;
  for (const c of s.campaigns) {
    answered += c.counts.attemptsByStatus.ANSWERED ?? 0;
    abandoned += c.counts.attemptsByStatus.ABANDONED ?? 0;
  }
  const abandonRate = answered + abandoned ? abandoned / (answered + abandoned) : null;
  const targets = s.campaigns.map((c) => c.abandonTarget).filter((t): t is number => typeof t === 'number');
  const abandonCap = targets.length ? Math.min(...targets) : null;
  return {
    agentsOnline: online.length,
    agentsBy: { ready: count('ready'), talking: count('talking', 'reserved'), 'wrap-up': count('wrap-up'), paused: count('paused') },
    calls: {
      total: s.calls.length,
      ringing: s.calls.filter((c) => c.answeredAt === null).length,
      talking: s.calls.filter((c) => c.state === 'connected').length,
      waiting: s.calls.filter((c) => c.state === 'waiting-for-agent').length,
    },
    ...(({ rate, answered, dialled }) => ({ answerRate: rate, answered, dialled }))(answerRate(s.campaigns, s.calls)),
    abandonRate,
    abandonCap,
    overCap: abandonRate !== null && abandonCap !== null && abandonRate > abandonCap,
  };
}
