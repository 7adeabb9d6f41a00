/**
 * The SIP phone (web/src/agent/phone/sip-adapter.ts) against a scripted JsSIP: what it hands to
 * the browser's RTCPeerConnection when it answers, and how often it asks the PBX again after a
 * registration the PBX refuses.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PhoneProvision } from '../../../web/src/agent/phone/phone-adapter.ts';
import type { PhoneEvent } from '../../../web/src/agent/phone/phone-machine.ts';

const jssip = vi.hoisted(() => {
  type Listener = (e: unknown) => void;
  class Emitter {
    private readonly listeners = new Map<string, Listener[]>();
    on(event: string, listener: Listener) {
      this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    }
    emit(event: string, e: unknown = {}) {
      for (const l of this.listeners.get(event) ?? []) l(e);
    }
  }
  /** A ringing call from the PBX: records how it was answered. */
  class Session extends Emitter {
    answered: { pcConfig?: RTCConfiguration }[] = [];
    connection = null;
    answer(options: { pcConfig?: RTCConfiguration }) {
      this.answered.push(options);
    }
    terminate() {}
    isInProgress() {
      return this.answered.length === 0;
    }
    isEnded() {
      return false;
    }
  }
  class UA extends Emitter {
    static last: UA | null = null;
    registerAt: number[] = [];
    password: unknown;
    /** Set: every REGISTER is refused with this cause (as Asterisk refuses an endpoint it does not have). */
    refuse: string | null = null;
    constructor(readonly options: Record<string, unknown>) {
      super();
      UA.last = this;
      this.password = options.password;
    }
    start() {}
    stop() {}
    register() {
      this.registerAt.push(Date.now());
      const cause = this.refuse;
      if (cause) queueMicrotask(() => this.emit('registrationFailed', { cause }));
    }
    unregister() {}
    set(name: string, value: unknown) {
      if (name === 'password') this.password = value;
      return true;
    }
    isConnected() {
      return true;
    }
  }
  class WebSocketInterface {
    constructor(readonly url: string) {}
  }
  const C = { causes: { AUTHENTICATION_ERROR: 'Authentication Error', REJECTED: 'Rejected', REQUEST_TIMEOUT: 'Request Timeout' } };
  return { UA, Session, WebSocketInterface, C };
});

vi.mock('jssip', () => ({ ...jssip, default: jssip }));

const { createSipAdapter } = await import('../../../web/src/agent/phone/sip-adapter.ts');

const PROVISION: PhoneProvision = {
  kind: 'sip',
  agentMode: 'on-answer',
  endpoint: 'webrtc-1001',
  sipUri: 'sip:webrtc-1001@pbx.example.com',
  username: 'webrtc-1001',
  password: 'issued',
  displayName: 'agent1',
  wsUrl: 'wss://pbx.example.com:8089/ws',
  registerSeconds: 300,
  iceServers: ['turn:ccs:secret@turn.example.com:3478'],
  iceTransportPolicy: 'relay',
};

function phone(provision: PhoneProvision = PROVISION, reprovision: () => Promise<PhoneProvision | null> = async () => ({ ...provision, password: 'fresh' })) {
  const events: PhoneEvent[] = [];
  const adapter = createSipAdapter({
    provision,
    base: '/ui/agent/phone',
    dispatch: (e) => void events.push(e),
    microphone: () => null,
    speaker: {} as HTMLAudioElement,
    reprovision,
    tone: () => {},
  });
  return { adapter, events };
}

const { registrationRetryMs } = await import('../../../web/src/agent/phone/phone-adapter.ts');

/** Lets the adapter's dynamic import of JsSIP finish. */
async function started() {
  for (let i = 0; i < 10 && !jssip.UA.last; i++) await vi.advanceTimersByTimeAsync(0);
  return jssip.UA.last!;
}

beforeEach(() => {
  vi.useFakeTimers({ now: Date.UTC(2026, 0, 5, 9) });
  jssip.UA.last = null;
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the SIP phone', () => {
  it('answers with the ICE servers and relay-only ICE when the operator forces TURN', async () => {
    const { adapter } = phone();
    adapter.start();
    const ua = await started();
    ua.emit('registered');
    const session = new jssip.Session();
    ua.emit('newRTCSession', { originator: 'remote', session });
    await vi.advanceTimersByTimeAsync(1000);
    expect(session.answered).toHaveLength(1);
    expect(session.answered[0]!.pcConfig).toEqual({
      iceServers: [{ urls: 'turn:turn.example.com:3478', username: 'ccs', credential: 'secret' }],
      iceTransportPolicy: 'relay',
    });
    await adapter.stop();
  });

  it('lets ICE use every path by default', async () => {
    const { adapter } = phone({ ...PROVISION, iceServers: ['stun:stun.example.com:3478'], iceTransportPolicy: 'all' });
    adapter.start();
    const ua = await started();
    ua.emit('registered');
    const session = new jssip.Session();
    ua.emit('newRTCSession', { originator: 'remote', session });
    await vi.advanceTimersByTimeAsync(1000);
    expect(session.answered[0]!.pcConfig).toEqual({ iceServers: [{ urls: 'stun:stun.example.com:3478' }], iceTransportPolicy: 'all' });
    await adapter.stop();
  });

  it('backs off a registration the PBX keeps refusing (2 s doubling to 5 min), with fresh credentials each time, and registers once it is taken', async () => {
    let issued = 0;
    const { adapter, events } = phone(PROVISION, async () => ({ ...PROVISION, password: `fresh-${++issued}` }));
    adapter.start();
    const ua = await started();
    ua.refuse = jssip.C.causes.AUTHENTICATION_ERROR;
    const first = Date.now();
    ua.emit('registrationFailed', { cause: ua.refuse });
    await vi.advanceTimersByTimeAsync(30 * 60_000);
    const gaps = ua.registerAt.map((at, i) => at - (i === 0 ? first : ua.registerAt[i - 1]!));
    expect(gaps).toEqual([2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300, 300].map((s) => s * 1000));
    expect([0, 1, 7, 8, 20].map(registrationRetryMs)).toEqual([2000, 4000, 256_000, 300_000, 300_000]);
    // Each try asks CCS for fresh credentials; fresh ones refused too is said as a credentials problem.
    expect(issued).toBe(ua.registerAt.length);
    expect(ua.password).toBe(`fresh-${issued}`);
    expect(events).toContainEqual({ type: 'problem', problem: 'credentials' });
    expect(events.at(-1)).toMatchObject({ type: 'connection-lost' });

    // The endpoint now exists: the next try registers, and a later refusal starts again at 2 s.
    ua.refuse = null;
    await vi.advanceTimersByTimeAsync(300_000);
    ua.emit('registered');
    expect(events.at(-1)).toEqual({ type: 'registered' });
    const tries = ua.registerAt.length;
    ua.refuse = jssip.C.causes.AUTHENTICATION_ERROR;
    ua.emit('registrationFailed', { cause: ua.refuse });
    await vi.advanceTimersByTimeAsync(2000);
    expect(ua.registerAt).toHaveLength(tries + 1);
    await adapter.stop();
  });

  it('retries a registration that failed for another reason (a timeout) without new credentials, backing off the same way', async () => {
    let issued = 0;
    const { adapter } = phone(PROVISION, async () => ({ ...PROVISION, password: `fresh-${++issued}` }));
    adapter.start();
    const ua = await started();
    ua.refuse = jssip.C.causes.REQUEST_TIMEOUT;
    const first = Date.now();
    ua.emit('registrationFailed', { cause: ua.refuse });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(ua.registerAt.map((at) => at - first)).toEqual([2000, 6000, 14_000, 30_000]);
    expect(issued).toBe(0);
    await adapter.stop();
  });
});
