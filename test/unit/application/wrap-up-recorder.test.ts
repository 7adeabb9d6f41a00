/**
 * Wrap-up times for reports come from the engine's events: from the agent:state that enters
 * wrap-up to the one that leaves it (ready, pause, timer), stored with the agent's last answered
 * call; calls no agent talked on and agents with no answered call record nothing.
 */
import { describe, expect, it } from 'vitest';
import { recordWrapUps } from '../../../src/application/wrap-up-recorder.ts';
import { EngineEvents } from '../../../src/engine/engine-events.ts';
import { silentLogger } from '../../../src/ports/logger.ts';

function setup() {
  const events = new EngineEvents();
  const stored: [string, number][] = [];
  const stop = recordWrapUps(events, { recordWrapUp: async (callId, ms) => (stored.push([callId, ms]), true) }, silentLogger);
  const ended = (callId: string, agentCode: string | null, status: 'ANSWERED' | 'NO ANSWER', at: number) =>
    events.emit('call:ended', { callId, campaignId: 1, contactId: 1, status, agentCode, at, waitedMs: null });
  const state = (agentCode: string, activity: 'idle' | 'reserved' | 'talking' | 'wrap-up', at: number) => events.emit('agent:state', { agentCode, activity, at });
  return { stored, stop, ended, state };
}

describe('wrap-up recorder', () => {
  it('stores the time from entering wrap-up to leaving it with the call it followed', () => {
    const { stored, ended, state } = setup();
    state('A01', 'talking', 1_000);
    ended('c1', 'A01', 'ANSWERED', 61_000);
    state('A01', 'wrap-up', 61_000);
    state('A01', 'idle', 73_500);
    state('A02', 'wrap-up', 80_000); // A02 has no answered call: nothing to attach it to
    state('A02', 'idle', 90_000);
    ended('c2', null, 'NO ANSWER', 95_000);
    ended('c3', 'A01', 'ANSWERED', 200_000);
    state('A01', 'wrap-up', 200_000);
    state('A01', 'wrap-up', 201_000); // a repeated state changes nothing
    state('A01', 'idle', 230_000);
    expect(stored).toEqual([
      ['c1', 12_500],
      ['c3', 30_000],
    ]);
  });

  it('stops listening when asked', () => {
    const { stored, stop, ended, state } = setup();
    ended('c1', 'A01', 'ANSWERED', 1_000);
    state('A01', 'wrap-up', 1_000);
    stop();
    state('A01', 'idle', 5_000);
    expect(stored).toEqual([]);
  });
});

describe("wrap-up recorder, while the call's end is being written", () => {
  it('stores the wrap-up time only once the end of its call is written', async () => {
    const events = new EngineEvents();
    const stored: [string, number][] = [];
    let written: () => void = () => {};
    const endWritten = new Promise<void>((resolve) => (written = resolve));
    recordWrapUps(events, { recordWrapUp: async (callId, ms) => (stored.push([callId, ms]), true) }, silentLogger, (callId) => (callId === 'c1' ? endWritten : undefined));
    events.emit('call:ended', { callId: 'c1', campaignId: 1, contactId: 1, status: 'ANSWERED', agentCode: 'A01', at: 1_000, waitedMs: null });
    events.emit('agent:state', { agentCode: 'A01', activity: 'wrap-up', at: 1_000 });
    events.emit('agent:state', { agentCode: 'A01', activity: 'idle', at: 4_000 });
    await Promise.resolve();
    expect(stored).toEqual([]);
    written();
    await endWritten;
    await new Promise((resolve) => setImmediate(resolve));
    expect(stored).toEqual([['c1', 3_000]]);
  });
});
