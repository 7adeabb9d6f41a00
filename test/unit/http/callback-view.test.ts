/** How a scheduled callback reads in the lists: scheduled, due, dialled, or missed once it can no longer happen. */
import { describe, expect, it } from 'vitest';
import { callbackView } from '../../../src/http/disposition-routes.ts';
import type { ScheduledCallback } from '../../../src/ports/callback-store.ts';

const NOW = Date.UTC(2026, 0, 5, 3, 0, 0);
const base: ScheduledCallback = {
  callId: 'ccs-1-1-1',
  campaignId: 1,
  contactId: 1,
  dueAt: NOW + 60_000,
  agentCode: 'Agent/1',
  personalUntil: NOW + 360_000,
  createdBy: 'Agent/1',
  createdAt: NOW - 60_000,
  note: null,
  state: 'scheduled',
  dialledCallId: null,
  dialledAt: null,
  phoneNumber: '0912000001',
  campaignState: 'running',
  campaignEndsAt: NOW + 3_600_000,
};
const state = (cb: Partial<ScheduledCallback>, now = NOW) => callbackView({ ...base, ...cb }, now, 'Asia/Ho_Chi_Minh').state;

describe('callback view', () => {
  it('is scheduled before its time and due from its time', () => {
    expect(state({})).toBe('scheduled');
    expect(state({}, NOW + 60_000)).toBe('due');
  });

  it('is missed when its campaign stopped or finished before it was dialled, or its time is past the campaign end', () => {
    expect(state({ campaignState: 'stopping' })).toBe('missed');
    expect(state({ campaignState: 'finished' })).toBe('missed');
    expect(state({ dueAt: NOW + 3_600_000 })).toBe('missed');
  });

  it('stays dialled once dialled, whatever the campaign did next', () => {
    expect(state({ state: 'dialled', campaignState: 'finished' })).toBe('dialled');
  });

  it('shows its time in the service zone, in the contract format', () => {
    expect(callbackView(base, NOW, 'Asia/Ho_Chi_Minh').due).toBe('2026-01-05 10:01:00');
  });
});
