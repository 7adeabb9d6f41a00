import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/clock/virtual-clock.ts';
import { EngineEvents } from '../../../src/engine/engine-events.ts';
import { silentLogger } from '../../../src/ports/logger.ts';
import type { AgentRef } from '../../../src/ports/telephony.ts';
import { createAgentDesktop, type DeskSession } from '../../../src/web/agent-desktop.ts';

/** A desk whose PBX cannot reach the agent's phone at sign-in (nailed-up mode calls it at once). */
function desk(withPhone: boolean) {
  const steps: string[] = [];
  const desktop = createAgentDesktop({
    engine: {
      events: new EngineEvents(),
      agents: () => [],
      liveCall: () => undefined,
      signInAgent: async (ref: AgentRef) => {
        steps.push(`engine sign-in ${ref.agentCode} ${ref.endpoint ?? '-'}`);
        throw new Error("cannot call the agent's phone: 500 Allocation failed");
      },
      signOutAgent: async (code) => (steps.push(`engine sign-out ${code}`), { ok: true }),
      pauseAgent: () => ({ ok: true }),
      readyAgent: () => ({ ok: true }),
      cancelPauseAfterCall: () => ({ ok: true }),
      hangupCall: async () => {},
    },
    store: { getContact: async () => undefined, setAttemptNote: async () => true, getAttempt: async () => undefined },
    clock: new VirtualClock(0),
    logger: silentLogger,
    probe: { probe: async () => 'denied' },
    publicOrigin: 'http://ccs.test',
    notify: () => {},
    ...(withPhone
      ? {
          phone: {
            endpointOf: (station: string) => `PJSIP/webrtc-${station}`,
            beforeSignIn: (code: string) => void steps.push(`phone down ${code}`),
            signedOut: async (code: string) => void steps.push(`credentials removed ${code}`),
          },
        }
      : {}),
  });
  return { desktop, steps };
}

const session = (): DeskSession => ({ id: 's1', username: 'agent1', role: 'agent', accountAgentCode: 'Agent/7001', accountStationId: '7001', origin: null });

describe('a desk whose phone is in the browser', () => {
  it('signs in with the browser phone’s endpoint even when the PBX cannot reach the phone yet (it registers only once the desk holds the agent)', async () => {
    const { desktop, steps } = desk(true);
    const s = session();
    expect(await desktop.signIn(s, {})).toEqual({ ok: true });
    expect(desktop.state(s).desk).toEqual({ agentCode: 'Agent/7001', stationId: '7001' });
    expect(steps).toEqual(['phone down Agent/7001', 'engine sign-in Agent/7001 PJSIP/webrtc-7001']);
    expect(await desktop.signOut(s)).toEqual({ ok: true });
    expect(steps.slice(2)).toEqual(['engine sign-out Agent/7001', 'credentials removed Agent/7001']);
  });

  it('refuses the sign-in as before when the phone is one the PBX knows', async () => {
    const { desktop, steps } = desk(false);
    const s = session();
    expect(await desktop.signIn(s, {})).toMatchObject({ ok: false, error: 'telephony' });
    expect(desktop.state(s).desk).toBeNull();
    expect(steps).toEqual(['engine sign-in Agent/7001 -']);
  });
});
