import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/clock/virtual-clock.ts';
import { EngineEvents } from '../../../src/engine/engine-events.ts';
import { createUiEventHub, visibleTo, type UiEvent } from '../../../src/web/ui-event-hub.ts';

const agentOf = (code: string | null) => ({ role: 'agent' as const, agentCode: () => code });
const supervisor = { role: 'supervisor' as const, agentCode: () => null };

const ended = (agentCode: string | null): UiEvent => ({ type: 'call:ended', callId: 'c1', campaignId: 1, contactId: 1, status: 'ANSWERED', agentCode, at: 0, waitedMs: null });

describe('live UI events', () => {
  it("show an agent its own state and calls, and nothing of other agents or of campaigns", () => {
    const me = agentOf('Agent/1001');
    expect(visibleTo({ type: 'agent:state', agentCode: 'Agent/1001', activity: 'talking', at: 0 }, me)).toBe(true);
    expect(visibleTo({ type: 'agent:state', agentCode: 'Agent/1002', activity: 'talking', at: 0 }, me)).toBe(false);
    expect(visibleTo({ type: 'call:connected', callId: 'c', campaignId: 1, contactId: 1, agentCode: 'Agent/1001', at: 0 }, me)).toBe(true);
    expect(visibleTo({ type: 'call:connected', callId: 'c', campaignId: 1, contactId: 1, agentCode: 'Agent/1002', at: 0 }, me)).toBe(false);
    expect(visibleTo(ended('Agent/1001'), me)).toBe(true);
    expect(visibleTo(ended(null), me)).toBe(false);
    expect(visibleTo({ type: 'call:placed', callId: 'c', campaignId: 1, contactId: 1, attemptNo: 1, at: 0 }, me)).toBe(false);
    expect(visibleTo({ type: 'campaign:started', campaignId: 1, at: 0 }, me)).toBe(false);
    expect(visibleTo({ type: 'desk', agentCode: 'Agent/1002' }, me)).toBe(false);
    expect(visibleTo({ type: 'desk', agentCode: 'Agent/1001' }, me)).toBe(true);
  });

  it('show an agent not signed in to the floor only the telephony link state', () => {
    const nobody = agentOf(null);
    expect(visibleTo(ended('Agent/1001'), nobody)).toBe(false);
    expect(visibleTo({ type: 'driver:state', state: 'down' }, nobody)).toBe(true);
  });

  it('show supervisors the whole floor', () => {
    expect(visibleTo(ended(null), supervisor)).toBe(true);
    expect(visibleTo({ type: 'call:placed', callId: 'c', campaignId: 1, contactId: 1, attemptNo: 1, at: 0 }, supervisor)).toBe(true);
    expect(visibleTo({ type: 'agent:state', agentCode: 'Agent/1002', activity: 'idle', at: 0 }, { role: 'admin', agentCode: () => null })).toBe(true);
  });

  it('reach each stream filtered, and drop a stream whose client stopped reading', async () => {
    const events = new EngineEvents();
    const clock = new VirtualClock(0);
    const hub = createUiEventHub({ events, clock, heartbeatMs: 1000 });
    hub.attach();
    const mine: string[] = [];
    const theirs: string[] = [];
    let slowClosed = false;
    hub.add('s1', agentOf('Agent/1001'), { write: (t) => (mine.push(t), true), close: () => {} });
    hub.add('s2', supervisor, { write: (t) => (theirs.push(t), true), close: () => {} });
    hub.add('s3', supervisor, { write: () => false, close: () => (slowClosed = true) });
    events.emit('agent:state', { agentCode: 'Agent/1002', activity: 'talking', at: 1 });
    events.emit('agent:state', { agentCode: 'Agent/1001', activity: 'talking', at: 2 });
    expect(mine.filter((t) => t.includes('agent:state'))).toHaveLength(1);
    expect(mine.join('')).not.toContain('Agent/1002');
    expect(theirs.filter((t) => t.includes('agent:state'))).toHaveLength(2);
    expect(slowClosed).toBe(true);
    expect(hub.streamsOf('s3')).toBe(0);
    await clock.advanceBy(1000);
    expect(theirs.at(-1)).toBe('event: beat\ndata: {}\n\n');
    hub.closeSession('s1');
    expect(hub.streamsOf('s1')).toBe(0);
    hub.close();
  });
});
