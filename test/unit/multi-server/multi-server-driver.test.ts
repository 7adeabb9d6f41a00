import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/clock/virtual-clock.ts';
import { silentLogger } from '../../../src/ports/logger.ts';
import { CallControlError, type PlaceCallRequest, type TelephonyDriver, type TelephonyEvent, type TelephonyListener } from '../../../src/ports/telephony.ts';
import { createMultiServerDriver } from '../../../src/telephony/multi-server/multi-server-driver.ts';

/** A sub-driver whose events the test sends, recording every command it gets. */
class FakeServer {
  listener: TelephonyListener | null = null;
  readonly commands: string[] = [];
  readonly live = new Set<string>();
  refuse: string | null = null;
  ready = false;
  readonly driver: TelephonyDriver;

  constructor(readonly name: string) {
    const record = (what: string) => async (...args: unknown[]) => void this.commands.push(`${what} ${String(args[0] && typeof args[0] === 'object' ? ((args[0] as { agentCode?: string }).agentCode ?? '') : args[0])}`.trim());
    this.driver = {
      name: 'asterisk',
      start: async (listener) => void (this.listener = listener),
      stop: async () => void (this.listener = null),
      placeCall: async (request: PlaceCallRequest) => {
        if (this.refuse) throw new Error(this.refuse);
        if ('route' in request) throw new Error('the route is for the composite only');
        this.commands.push(`placeCall ${request.callId}`);
        this.live.add(request.callId);
      },
      connectAgent: async (callId, agent) => void this.commands.push(`connectAgent ${callId} ${agent.agentCode}`),
      abandonCall: record('abandonCall'),
      hangup: async (callId) => void this.commands.push(`hangup ${callId}`),
      liveCalls: async () => [...this.live],
      signInAgent: record('signInAgent'),
      signOutAgent: record('signOutAgent'),
      health: () => (this.ready ? { ready: true } : { ready: false, reason: 'down' }),
      hold: record('hold'),
      resume: record('resume'),
      mute: record('mute'),
      unmute: record('unmute'),
      sendDtmf: record('sendDtmf'),
      transfer: async (callId) => void this.commands.push(`transfer ${callId}`),
      completeTransfer: record('completeTransfer'),
      cancelTransfer: record('cancelTransfer'),
      conference: record('conference'),
    };
  }

  send(event: TelephonyEvent): void {
    if (event.type === 'driver') this.ready = event.state === 'up';
    this.listener?.(event);
  }
  online(agentCode: string): void {
    this.send({ type: 'agent', agentCode, stationId: agentCode.replace(/\D/g, ''), presence: 'online' });
  }
}

const T0 = Date.UTC(2026, 0, 5, 2, 0, 0);
const sales = (agents: [string, boolean][]) => ({ group: 'sales', agents: agents.map(([agentCode, ready]) => ({ agentCode, ready })) });
const request = (callId: string, route?: ReturnType<typeof sales>): PlaceCallRequest => ({
  callId,
  number: '0987654320',
  callerId: null,
  ringTimeoutSeconds: 30,
  trunkChannelLimit: 0,
  tags: { campaignId: 1, contactId: 1, attemptNo: 1 },
  ...(route ? { route } : {}),
});

async function rig(options: { agentServers?: Record<string, string>; channelLimits?: [number, number] } = {}) {
  const clock = new VirtualClock(T0);
  const a = new FakeServer('a');
  const b = new FakeServer('b');
  const driver = createMultiServerDriver(
    [
      { name: 'a', driver: a.driver, channelLimit: options.channelLimits?.[0] ?? 0 },
      { name: 'b', driver: b.driver, channelLimit: options.channelLimits?.[1] ?? 0 },
    ],
    { agentServers: new Map(Object.entries(options.agentServers ?? {})), downGraceMs: 10_000 },
    { clock, logger: silentLogger },
  );
  const events: TelephonyEvent[] = [];
  await driver.start((e) => events.push(e));
  a.send({ type: 'driver', state: 'up' });
  b.send({ type: 'driver', state: 'up' });
  a.online('Agent/9001');
  b.online('Agent/9101');
  const ofType = <T extends TelephonyEvent['type']>(type: T) => events.filter((e): e is Extract<TelephonyEvent, { type: T }> => e.type === type);
  return { clock, a, b, driver, events, ofType };
}

describe('several Asterisk servers behind one telephony driver', () => {
  it('places a leg on the server of a free agent of its group, and sends it there without the route', async () => {
    const r = await rig();
    await r.driver.placeCall(request('c1', sales([['Agent/9001', false], ['Agent/9101', true]])));
    expect(r.b.commands).toEqual(['placeCall c1']);
    expect(r.a.commands).toEqual([]);
  });

  it('accepts for a call only agents on its own server, and refuses to bridge one from another', async () => {
    const r = await rig();
    await r.driver.placeCall(request('c1', sales([['Agent/9001', true]])));
    expect(r.driver.canConnect!('c1', 'Agent/9001')).toBe(true);
    expect(r.driver.canConnect!('c1', 'Agent/9101')).toBe(false);
    expect(r.driver.canConnect!('unknown', 'Agent/9001')).toBe(false);
    await expect(r.driver.connectAgent('c1', { agentCode: 'Agent/9101', stationId: '9101' }, { record: false })).rejects.toThrow(/on b, call c1 on a/);
    await r.driver.connectAgent('c1', { agentCode: 'Agent/9001', stationId: '9001' }, { record: false });
    expect(r.a.commands).toContain('connectAgent c1 Agent/9001');
    expect(r.b.commands).toEqual([]);
  });

  it('routes controls and hang-ups to the server holding the call; a transfer to an agent elsewhere is refused', async () => {
    const r = await rig();
    await r.driver.placeCall(request('c1', sales([['Agent/9101', true]])));
    await r.driver.hold('c1');
    await r.driver.hangup('c1');
    await r.driver.hangup('not-a-call'); // ignored
    expect(r.b.commands).toEqual(['placeCall c1', 'hold c1', 'hangup c1']);
    await expect(r.driver.mute('nope')).rejects.toBeInstanceOf(CallControlError);
    await expect(r.driver.transfer('c1', { kind: 'agent', agent: { agentCode: 'Agent/9001', stationId: '9001' } }, { mode: 'blind' })).rejects.toMatchObject({ code: 'invalid-target' });
    await r.driver.transfer('c1', { kind: 'number', number: '0912345678' }, { mode: 'blind' });
    expect(r.b.commands).toContain('transfer c1');
  });

  it('refuses a leg no server can take (nothing dialled), and forgets it', async () => {
    const r = await rig({ channelLimits: [1, 1] });
    await r.driver.placeCall(request('c1', sales([['Agent/9001', true]])));
    await expect(r.driver.placeCall(request('c2', sales([['Agent/9001', true]])))).rejects.toThrow(/with channel room has an agent of group sales/);
    r.b.refuse = 'ARI is not ready';
    await expect(r.driver.placeCall(request('c3', sales([['Agent/9101', true]])))).rejects.toThrow(/ARI is not ready \(server b\)/);
    expect(r.driver.canConnect!('c3', 'Agent/9101')).toBe(false);
    expect(await r.driver.liveCalls()).toEqual(['c1']);
  });

  it('reports driver down only when every server is down, up again with the first', async () => {
    const r = await rig();
    expect(r.ofType('driver').map((e) => e.state)).toEqual(['up']);
    r.a.send({ type: 'driver', state: 'down', reason: 'gone' });
    expect(r.driver.health().ready).toBe(true);
    r.b.send({ type: 'driver', state: 'down', reason: 'gone too' });
    expect(r.driver.health()).toEqual({ ready: false, reason: expect.stringContaining('a: down') });
    r.b.send({ type: 'driver', state: 'up' });
    expect(r.ofType('driver').map((e) => e.state)).toEqual(['up', 'down', 'up']);
  });

  it('a server down: its agents leave the floor at once, its calls end after the grace with what is known, and new legs go to the other', async () => {
    const r = await rig();
    await r.driver.placeCall(request('talking', sales([['Agent/9001', true]])));
    r.a.send({ type: 'answered', callId: 'talking', at: T0 + 1000 });
    r.a.send({ type: 'connected', callId: 'talking', agentCode: 'Agent/9001', at: T0 + 1500 });
    await r.driver.placeCall(request('ringing', sales([['Agent/9001', false]])));
    r.a.send({ type: 'ringing', callId: 'ringing', at: T0 + 2000 });
    await r.driver.placeCall(request('waiting', sales([['Agent/9001', false]])));
    r.a.send({ type: 'answered', callId: 'waiting', at: T0 + 2500 });
    const before = r.events.length;

    const downAt = r.clock.now();
    r.a.send({ type: 'driver', state: 'down', reason: 'ARI unreachable' });
    expect(r.events.slice(before)).toEqual([{ type: 'agent', agentCode: 'Agent/9001', stationId: '9001', presence: 'offline' }]);
    expect(r.driver.canConnect!('waiting', 'Agent/9001')).toBe(false);
    // Within the grace the calls are still the server's: a blip does not end them.
    await r.clock.advanceBy(9_000);
    expect(r.ofType('ended')).toEqual([]);
    expect((await r.driver.liveCalls()).sort()).toEqual(['ringing', 'talking', 'waiting']);
    await r.driver.placeCall(request('next', sales([['Agent/9001', true], ['Agent/9101', true]])));
    expect(r.b.commands).toEqual(['placeCall next']);

    await r.clock.advanceBy(1_000);
    const ended = Object.fromEntries(r.ofType('ended').map((e) => [e.callId, e]));
    expect(ended.talking).toMatchObject({ cause: 'normal', detail: 'Asterisk server a lost', recording: { status: 'failed' } });
    expect(ended.waiting).toMatchObject({ cause: 'normal' });
    expect(ended.ringing).toMatchObject({ cause: 'failed' });
    expect(r.ofType('ended')).toHaveLength(3);
    // They end when the server went down, not when the grace ran out 10 s later.
    for (const e of r.ofType('ended')) expect(e.at).toBe(downAt);
    expect(await r.driver.liveCalls()).toEqual(['next']);
  });

  it('a server that comes back: its agents are announced again, the calls reported lost are hung up there and never reported twice', async () => {
    const r = await rig();
    await r.driver.placeCall(request('lost', sales([['Agent/9001', true]])));
    r.a.send({ type: 'ringing', callId: 'lost', at: T0 + 1000 });
    r.a.send({ type: 'driver', state: 'down', reason: 'gone' });
    await r.clock.advanceBy(10_000);
    expect(r.ofType('ended').map((e) => e.callId)).toEqual(['lost']);

    r.a.send({ type: 'driver', state: 'up' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(r.a.commands).toContain('hangup lost');
    r.a.send({ type: 'answered', callId: 'lost', at: T0 + 12_000 });
    r.a.send({ type: 'ended', callId: 'lost', at: T0 + 13_000, cause: 'normal' });
    expect(r.ofType('ended')).toHaveLength(1);
    expect(r.ofType('agent').slice(-1)).toEqual([{ type: 'agent', agentCode: 'Agent/9001', stationId: '9001', presence: 'online' }]);
    await r.driver.placeCall(request('again', sales([['Agent/9001', true]])));
    expect(r.a.commands).toContain('placeCall again');
  });

  it('a leg still being placed when its server is lost gets no end: its placement fails and gives the attempt back', async () => {
    const r = await rig();
    let release!: (error: Error) => void;
    r.a.driver.placeCall = () => new Promise<void>((_resolve, reject) => (release = reject));
    const placing = r.driver.placeCall(request('slow', sales([['Agent/9001', true]])));
    r.a.send({ type: 'driver', state: 'down', reason: 'gone' });
    await r.clock.advanceBy(10_000);
    expect(r.ofType('ended')).toEqual([]);
    release(new Error('ARI unreachable'));
    await expect(placing).rejects.toThrow(/ARI unreachable/);
    expect(await r.driver.liveCalls().catch(() => [])).toEqual([]);
  });

  it('signs an agent with a configured server in there only; one without a server everywhere, owned by the server its phone is on', async () => {
    const r = await rig({ agentServers: { 'Agent/9002': 'b' } });
    await r.driver.signInAgent({ agentCode: 'Agent/9002', stationId: '9002' });
    expect(r.a.commands).toEqual([]);
    expect(r.b.commands).toEqual(['signInAgent Agent/9002']);
    r.a.online('Agent/9002'); // a phone of that name on the wrong server is not the agent's
    expect(r.ofType('agent').filter((e) => e.agentCode === 'Agent/9002')).toEqual([]);

    await r.driver.signInAgent({ agentCode: 'Agent/9003', stationId: '9003' });
    expect(r.a.commands).toContain('signInAgent Agent/9003');
    expect(r.b.commands).toContain('signInAgent Agent/9003');
    r.b.online('Agent/9003');
    r.a.send({ type: 'agent', agentCode: 'Agent/9003', stationId: '9003', presence: 'offline' });
    expect(r.ofType('agent').filter((e) => e.agentCode === 'Agent/9003').map((e) => e.presence)).toEqual(['online']);
    await r.driver.placeCall(request('c9', sales([['Agent/9003', true]])));
    expect(r.b.commands).toContain('placeCall c9');
    await r.driver.signOutAgent('Agent/9003');
    expect(r.a.commands).toContain('signOutAgent Agent/9003');
    expect(r.b.commands).toContain('signOutAgent Agent/9003');
  });

  it('follows a call it did not place (found by its server after a restart) and routes its commands there', async () => {
    const r = await rig();
    r.b.send({ type: 'answered', callId: 'adopted', at: T0 });
    expect(r.ofType('answered').map((e) => e.callId)).toEqual(['adopted']);
    await r.driver.hangup('adopted');
    expect(r.b.commands).toEqual(['hangup adopted']);
  });
});
