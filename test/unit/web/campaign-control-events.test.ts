import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/clock/virtual-clock.ts';
import { EngineEvents } from '../../../src/engine/engine-events.ts';
import { createUiEventHub } from '../../../src/web/ui-event-hub.ts';

describe('live UI events of campaign control', () => {
  it('a pause, a pacing change or an agent moved reaches supervisors’ pages at once (changed from another page or ccs), never an agent’s desk', () => {
    const events = new EngineEvents();
    const hub = createUiEventHub({ events, clock: new VirtualClock(0), heartbeatMs: 60_000 });
    hub.attach();
    const supervisor: string[] = [];
    const agent: string[] = [];
    hub.add('s1', { role: 'supervisor', agentCode: () => null }, { write: (t) => (supervisor.push(t), true), close: () => {} });
    hub.add('s2', { role: 'agent', agentCode: () => 'Agent/1001' }, { write: (t) => (agent.push(t), true), close: () => {} });
    events.emit('campaign:control', { campaignId: 7, action: 'pause', at: 1 });
    events.emit('agent:group', { agentCode: 'Agent/1001', group: 'sales', at: 2 });
    const seen = supervisor.filter((t) => t.startsWith('data:') && !t.includes('hello')).map((t) => JSON.parse(t.slice(6)));
    expect(seen).toEqual([
      { type: 'campaign:control', campaignId: 7, action: 'pause', at: 1 },
      { type: 'agent:group', agentCode: 'Agent/1001', group: 'sales', at: 2 },
    ]);
    expect(agent.join('')).not.toContain('campaign:control');
    expect(agent.join('')).not.toContain('agent:group');
    hub.close();
  });
});
