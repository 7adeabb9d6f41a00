import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/clock/virtual-clock.ts';
import type { WebrtcSettings } from '../../../src/config/config.ts';
import { silentLogger } from '../../../src/ports/logger.ts';
import { createAgentPhones, memoryPhoneAuth } from '../../../src/web/agent-phone.ts';

const SETTINGS: WebrtcSettings = { phone: 'browser', wsUrl: 'wss://pbx.example.com:8089/ws', endpointTemplate: 'webrtc-{station}', sipDomain: null, registerSeconds: 30, iceServers: ['stun:stun.example.com:3478'], iceTransportPolicy: 'all' };
const AGENT = { agentCode: 'Agent/7001', stationId: '7001' };

function harness(telephony: 'simulator' | 'asterisk' = 'simulator') {
  const clock = new VirtualClock(Date.UTC(2026, 0, 5, 9));
  const auth = memoryPhoneAuth();
  const floor: string[] = [];
  const phones = createAgentPhones({
    settings: SETTINGS,
    telephony,
    agentMode: 'on-answer',
    auth,
    floor: { setPhoneRegistered: (code, registered) => void floor.push(`${code} ${registered ? 'registered' : 'unregistered'}`) },
    clock,
    logger: silentLogger,
  });
  return { clock, auth, floor, phones };
}

describe('the browser phone (server side)', () => {
  it('provisions the desk station’s endpoint with a fresh password each time, known to the PBX', async () => {
    const { phones, auth } = harness();
    const first = await phones.provision(AGENT, 'agent1');
    expect(first).toMatchObject({ kind: 'simulated', endpoint: 'webrtc-7001', username: 'webrtc-7001', sipUri: 'sip:webrtc-7001@pbx.example.com', wsUrl: SETTINGS.wsUrl, registerSeconds: 30, agentMode: 'on-answer' });
    expect(first.password.length).toBeGreaterThanOrEqual(32);
    const second = await phones.provision(AGENT, 'agent1');
    expect(second.password).not.toBe(first.password);
    expect(auth.has('webrtc-7001')).toBe(true);
    expect(phones.endpointOf('7001')).toBe('PJSIP/webrtc-7001');
    expect((await harness('asterisk').phones.provision(AGENT, 'agent1')).kind).toBe('sip');
    // Only a SIP phone connects elsewhere than CCS (the page's Content-Security-Policy allows its WebSocket).
    expect(harness('asterisk').phones.connectSource).toBe(SETTINGS.wsUrl);
    expect(harness('simulator').phones.connectSource).toBeNull();
  });

  it('keeps a signing-in agent off the floor until its phone registers with the issued credentials', async () => {
    const { phones, floor } = harness();
    phones.beforeSignIn(AGENT.agentCode);
    expect(floor).toEqual(['Agent/7001 unregistered']);
    const p = await phones.provision(AGENT, 'agent1');
    expect(phones.register(AGENT.agentCode, { username: p.username, password: 'guessed' })).toEqual({ ok: false, refusal: 'bad-credentials' });
    expect(phones.register(AGENT.agentCode, { username: p.username, password: p.password })).toEqual({ ok: true, expiresSeconds: 30 });
    expect(floor.at(-1)).toBe('Agent/7001 registered');
    // A renewal changes nothing on the floor.
    expect(phones.register(AGENT.agentCode, { username: p.username, password: p.password }).ok).toBe(true);
    expect(floor).toHaveLength(2);
  });

  it('unregisters a phone that does not renew its registration in time, and not one that does', async () => {
    const { phones, floor, clock } = harness();
    const p = await phones.provision(AGENT, 'agent1');
    phones.register(AGENT.agentCode, { username: p.username, password: p.password });
    await clock.advanceBy(20_000);
    phones.register(AGENT.agentCode, { username: p.username, password: p.password });
    await clock.advanceBy(20_000);
    expect(phones.isRegistered(AGENT.agentCode)).toBe(true);
    await clock.advanceBy(11_000);
    expect(phones.isRegistered(AGENT.agentCode)).toBe(false);
    expect(floor).toEqual(['Agent/7001 registered', 'Agent/7001 unregistered']);
  });

  it('refuses the previous password once new credentials are issued', async () => {
    const { phones } = harness();
    const old = await phones.provision(AGENT, 'agent1');
    const fresh = await phones.provision(AGENT, 'agent1');
    expect(phones.register(AGENT.agentCode, { username: old.username, password: old.password })).toEqual({ ok: false, refusal: 'bad-credentials' });
    expect(phones.register(AGENT.agentCode, { username: fresh.username, password: fresh.password }).ok).toBe(true);
  });

  it('makes a signed-out agent’s credentials stop working (removed from the PBX, refused here)', async () => {
    const { phones, auth, clock, floor } = harness();
    const p = await phones.provision(AGENT, 'agent1');
    phones.register(AGENT.agentCode, { username: p.username, password: p.password });
    await phones.signedOut(AGENT.agentCode);
    expect(auth.has('webrtc-7001')).toBe(false);
    expect(phones.register(AGENT.agentCode, { username: p.username, password: p.password })).toEqual({ ok: false, refusal: 'not-signed-in' });
    // Its registration timer is gone too: nothing more reaches the floor.
    const before = floor.length;
    await clock.advanceBy(60_000);
    expect(floor).toHaveLength(before);
  });

  it('leaves registration to the PBX with Asterisk', async () => {
    const { phones } = harness('asterisk');
    const p = await phones.provision(AGENT, 'agent1');
    expect(phones.register(AGENT.agentCode, { username: p.username, password: p.password })).toEqual({ ok: false, refusal: 'not-simulated' });
  });
});

describe("a supervisor's browser phone: whether monitoring may ring it", () => {
  it('on the simulated floor: registered as CCS saw it; with Asterisk: as the endpoint state says; none before provisioning or after sign-out', async () => {
    const sim = harness('simulator');
    expect(await sim.phones.registration('minh')).toBeNull();
    const p = await sim.phones.provision({ agentCode: 'minh', stationId: 'minh' }, 'minh');
    expect(await sim.phones.registration('minh')).toEqual({ endpoint: 'PJSIP/webrtc-minh', registered: false });
    sim.phones.register('minh', { username: p.username, password: p.password });
    expect(await sim.phones.registration('minh')).toEqual({ endpoint: 'PJSIP/webrtc-minh', registered: true });
    await sim.phones.signedOut('minh');
    expect(await sim.phones.registration('minh')).toBeNull();

    const online = new Set<string>();
    const asked: string[] = [];
    const base = memoryPhoneAuth();
    const phones = createAgentPhones({
      settings: SETTINGS,
      telephony: 'asterisk',
      agentMode: 'on-answer',
      auth: { put: base.put, remove: base.remove, online: async (id) => (asked.push(id), online.has(id)) },
      clock: new VirtualClock(Date.UTC(2026, 0, 5, 9)),
      logger: silentLogger,
    });
    await phones.provision({ agentCode: 'minh', stationId: 'sup1' }, 'minh');
    expect(await phones.registration('minh')).toEqual({ endpoint: 'PJSIP/webrtc-sup1', registered: false });
    online.add('webrtc-sup1');
    expect(await phones.registration('minh')).toEqual({ endpoint: 'PJSIP/webrtc-sup1', registered: true });
    expect(asked).toEqual(['webrtc-sup1', 'webrtc-sup1']);
  });
});
