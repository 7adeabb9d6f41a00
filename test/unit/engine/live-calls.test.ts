import { describe, expect, it } from 'vitest';
import { LiveCalls, type LiveCall } from '../../../src/engine/live-calls.ts';

const call = (callId: string, campaignId: number, group: string, extra: Partial<LiveCall> = {}): LiveCall => ({
  callId,
  campaignId,
  contactId: 1,
  attemptNo: 1,
  phoneNumber: `09${callId}`,
  dialNumber: `09${callId}`,
  subscriber: `09${callId}`,
  group,
  state: 'dialing',
  startedAt: 0,
  ringingAt: null,
  answeredAt: null,
  connectedAt: null,
  agentCode: null,
  stationId: null,
  waitingSince: null,
  hangupRequested: false,
  ...extra,
});

describe('calls in flight', () => {
  it("keeps each campaign's count and each group's calls as calls come and go", () => {
    const live = new LiveCalls();
    live.add(call('a', 1, 'g'));
    live.add(call('b', 1, 'g'));
    live.add(call('c', 2, 'h'));
    expect([live.countCampaign(1), live.countCampaign(2), live.countCampaign(3)]).toEqual([2, 1, 0]);
    live.remove('a');
    live.remove('a'); // twice: counted once
    expect(live.countCampaign(1)).toBe(1);
    expect(live.ofGroup('g').map((c) => c.callId)).toEqual(['b']);
    live.remove('b');
    expect([live.countCampaign(1), live.ofGroup('g').length, live.ofGroup('h').length]).toEqual([0, 0, 1]);
  });

  it('finds the leg reserved for an agent until it connects or ends', () => {
    const live = new LiveCalls();
    live.add(call('a', 1, 'g'));
    const leg = call('m', 0, 'g', { reservedFor: 'Agent/1', manual: true });
    live.add(leg);
    expect(live.reservedLeg('Agent/1')?.callId).toBe('m');
    expect(live.reservedLeg('Agent/2')).toBeUndefined();
    leg.connectedAt = 5;
    expect(live.reservedLeg('Agent/1')).toBeUndefined();
    leg.connectedAt = null;
    live.remove('m');
    expect(live.reservedLeg('Agent/1')).toBeUndefined();
  });

  it('lists the waiting customers of a group, longest waiting first', () => {
    const live = new LiveCalls();
    live.add(call('a', 1, 'g', { waitingSince: 20 }));
    live.add(call('b', 1, 'g', { waitingSince: 10 }));
    live.add(call('c', 1, 'h', { waitingSince: 5 }));
    live.add(call('d', 1, 'g'));
    expect(live.waiting('g').map((c) => c.callId)).toEqual(['b', 'a']);
  });
});
