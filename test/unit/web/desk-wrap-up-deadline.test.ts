import { describe, expect, it } from 'vitest';
import type { Shift } from '../../../src/domain/agent-shift.ts';
import type { AgentStatus } from '../../../src/engine/agent-pool.ts';
import { agentStateOf } from '../../../src/web/agent-desktop.ts';

const agent = (state: Shift['state'], wrapUpEndsAt?: number): AgentStatus => ({
  agentCode: 'Agent/1001',
  stationId: '1001',
  group: 'default',
  shift: { state, phoneUp: true, pause: null, pauseAfterCall: null, since: 1_000 },
  online: true,
  paused: false,
  pauseReason: null,
  activity: state === 'wrap-up' ? 'wrap-up' : 'idle',
  since: 1_000,
  callId: null,
  autoWrapUpSeconds: null,
  callsTaken: 1,
  ...(wrapUpEndsAt !== undefined ? { wrapUpEndsAt } : {}),
});

describe('desk state: the wrap-up deadline behind the countdown', () => {
  it('in wrap-up the desk is told when the wrap-up timer makes the agent ready', () => {
    expect(agentStateOf(agent('wrap-up', 121_000))?.wrapUpEndsAt).toBe(121_000);
  });

  it('outside wrap-up there is no deadline, even if an old one is left on the agent', () => {
    expect(agentStateOf(agent('ready', 121_000))?.wrapUpEndsAt).toBeNull();
    expect(agentStateOf(agent('talking'))?.wrapUpEndsAt).toBeNull();
  });
});
