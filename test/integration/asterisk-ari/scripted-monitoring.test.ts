/**
 * Call monitoring over ARI against a scripted Asterisk: listen and whisper are snoop channels
 * on the agent's channel (spy=both, whisper none/out) in a bridge with the supervisor's phone,
 * barge puts the supervisor's channel in the call's bridge, a change never hangs up the
 * supervisor's leg, and a call that ended (or never was connected) is refused or ends the session.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/clock/system-clock.ts';
import { loadConfig } from '../../../src/config/load-config.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import type { CallMonitor, MonitorEvent } from '../../../src/ports/call-monitor.ts';
import { createAriCallMonitor, monitorAppName } from '../../../src/telephony/asterisk-ari/ari-call-monitor.ts';
import { createCallMonitor } from '../../../src/telephony/create-call-monitor.ts';
import { ScriptedMonitorAri } from '../../support/ari-replay/scripted-monitor-ari.ts';

/** Polls `predicate` until it holds (bounded), naming what was awaited when it does not. */
async function waitFor(predicate: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const CALL = 'ccs-7-1-1';
const AGENT_LEG = 'ccs-agent-9001-1';

describe('ARI call monitor (snoop channels)', () => {
  let ari: ScriptedMonitorAri | undefined;
  let monitor: CallMonitor | undefined;
  afterEach(async () => {
    await monitor?.stop();
    await ari?.close();
    monitor = ari = undefined;
  });

  async function setUp() {
    ari = await ScriptedMonitorAri.start('ccs-monitor');
    const events: MonitorEvent[] = [];
    monitor = createAriCallMonitor({ url: ari.url, user: 'dialer', password: 'dialer-ari-secret', app: 'ccs-monitor' }, { clock: systemClock, logger: createLogger('silent') });
    await monitor.start((e) => events.push(e));
    const a = ari;
    await waitFor(() => a.connected, 'the monitoring application to register', 10_000);
    a.connectedCall(CALL, AGENT_LEG);
    return { ari: a, monitor, events };
  }

  it('listen → whisper → barge → listen → end, with the ARI 22 requests, and the supervisor leg never hung up until the end', async () => {
    const { ari, monitor } = await setUp();
    await monitor.begin({ sessionId: 'monitor-1', callId: CALL, agentCode: 'Agent/9001', endpoint: 'PJSIP/sup1', mode: 'listen' });
    await waitFor(() => ari.hearersOf(CALL, 'customer').includes('supervisor'), 'the supervisor listening', 10_000);
    expect(ari.hearersOf(CALL, 'agent')).toEqual(['customer', 'supervisor']);
    expect(ari.hearersOf(CALL, 'supervisor')).toEqual([]);
    // The room, the snoop and the supervisor's phone in this order; each joins the room once it is in the application.
    expect(ari.requests.slice(0, 4)).toEqual([
      `GET /ari/bridges/${CALL}-bridge`,
      'POST /ari/bridges?type=mixing&bridgeId=monitor-1-bridge&name=ccs-monitor-ccs-7-1-1',
      // The customer's channel and the call's bridge: a nailed-up agent's line outlives the call.
      `POST /ari/applications/ccs-monitor/subscription?eventSource=channel%3A${CALL}%2Cbridge%3A${CALL}-bridge`,
      `POST /ari/channels/${AGENT_LEG}/snoop?spy=both&whisper=none&app=ccs-monitor&appArgs=snoop%2Cmonitor-1&snoopId=monitor-1-snoop-1`,
    ]);
    expect(ari.requests.slice(4).sort()).toEqual(
      [
        'POST /ari/channels?endpoint=PJSIP%2Fsup1&app=ccs-monitor&appArgs=supervisor%2Cmonitor-1&channelId=monitor-1-supervisor&callerId=Monitor+%3Cccs-7-1-1%3E&timeout=30',
        'POST /ari/bridges/monitor-1-bridge/addChannel?channel=monitor-1-snoop-1',
        'POST /ari/bridges/monitor-1-bridge/addChannel?channel=monitor-1-supervisor',
      ].sort(),
    );

    await monitor.change('monitor-1', 'whisper');
    await waitFor(() => ari.hearersOf(CALL, 'supervisor').includes('agent'), 'the agent hearing the whisper', 10_000);
    // Only the agent hears the supervisor; the supervisor still hears both sides.
    expect(ari.hearersOf(CALL, 'supervisor')).toEqual(['agent']);
    expect(ari.hearersOf(CALL, 'customer')).toEqual(['agent', 'supervisor']);
    expect(ari.channels.has('monitor-1-snoop-1')).toBe(false);
    expect(ari.channels.get('monitor-1-snoop-2')).toMatchObject({ spy: 'both', whisper: 'out', of: AGENT_LEG });

    await monitor.change('monitor-1', 'barge');
    expect(ari.hearersOf(CALL, 'supervisor')).toEqual(['agent', 'customer']);
    expect(ari.bridges.get(`${CALL}-bridge`)!.channels).toEqual(new Set([CALL, AGENT_LEG, 'monitor-1-supervisor']));
    expect([...ari.channels.values()].filter((c) => c.kind === 'snoop')).toEqual([]);

    await monitor.change('monitor-1', 'listen');
    await waitFor(() => ari.hearersOf(CALL, 'customer').includes('supervisor'), 'listening again', 10_000);
    expect(ari.hearersOf(CALL, 'supervisor')).toEqual([]);
    expect(ari.bridges.get(`${CALL}-bridge`)!.channels).toEqual(new Set([CALL, AGENT_LEG]));

    // Through every change the supervisor's phone was dialled once and never hung up.
    expect(ari.requests.filter((r) => r.startsWith('POST /ari/channels?'))).toHaveLength(1);
    expect(ari.requests.filter((r) => r.startsWith('DELETE /ari/channels/monitor-1-supervisor'))).toEqual([]);

    await monitor.end('monitor-1');
    expect(ari.channels.has('monitor-1-supervisor')).toBe(false);
    expect(ari.bridges.has('monitor-1-bridge')).toBe(false);
    expect(ari.subscriptions).toEqual(new Set());
    expect([...ari.channels.keys()].sort()).toEqual([AGENT_LEG, CALL].sort());
  });

  it('refuses a call with no bridge (not connected, or ended) as not-connected', async () => {
    const { monitor } = await setUp();
    await expect(monitor.begin({ sessionId: 'monitor-2', callId: 'ccs-7-2-1', agentCode: 'Agent/9001', endpoint: 'PJSIP/sup1', mode: 'listen' })).rejects.toMatchObject({ code: 'not-connected' });
  });

  it("the call's end takes the snoop with it: the session ends as call-ended and the supervisor's leg is hung up", async () => {
    const { ari, monitor, events } = await setUp();
    await monitor.begin({ sessionId: 'monitor-3', callId: CALL, agentCode: 'Agent/9001', endpoint: 'PJSIP/sup1', mode: 'whisper' });
    await waitFor(() => ari.hearersOf(CALL, 'supervisor').includes('agent'), 'whispering', 10_000);
    ari.endCall(CALL);
    await waitFor(() => events.length > 0, 'the session to end', 10_000);
    expect(events).toEqual([expect.objectContaining({ type: 'ended', sessionId: 'monitor-3', reason: 'call-ended' })]);
    await waitFor(() => !ari.channels.has('monitor-3-supervisor') && !ari.bridges.has('monitor-3-bridge'), 'the clean-up', 10_000);
  });

  it("after a transfer the whisper follows the call's new agent: a new snoop on the target's channel, no end", async () => {
    const { ari, monitor, events } = await setUp();
    await monitor.begin({ sessionId: 'monitor-7', callId: CALL, agentCode: 'Agent/9001', endpoint: 'PJSIP/sup1', mode: 'whisper' });
    await waitFor(() => ari.hearersOf(CALL, 'supervisor').includes('agent'), 'whispering', 10_000);
    ari.transfer(CALL, AGENT_LEG, 'ccs-agent-9002-1');
    await waitFor(() => [...ari.channels.values()].some((c) => c.kind === 'snoop' && c.of === 'ccs-agent-9002-1' && c.bridge), 'a snoop on the new agent', 10_000);
    expect(ari.channels.get('monitor-7-snoop-2')).toMatchObject({ spy: 'both', whisper: 'out', of: 'ccs-agent-9002-1' });
    expect(ari.hearersOf(CALL, 'supervisor')).toEqual(['agent']);
    expect(ari.hearersOf(CALL, 'customer')).toEqual(['agent', 'supervisor']);
    expect(events).toEqual([]);
    expect(ari.requests.filter((r) => r.startsWith('POST /ari/channels?'))).toHaveLength(1);
  });

  it("a nailed-up agent's line outlives the call: the customer's hang-up ends the session as call-ended and leaves no snoop", async () => {
    const { ari, monitor, events } = await setUp();
    await monitor.begin({ sessionId: 'monitor-8', callId: CALL, agentCode: 'Agent/9001', endpoint: 'PJSIP/sup1', mode: 'whisper' });
    await waitFor(() => ari.hearersOf(CALL, 'supervisor').includes('agent'), 'whispering', 10_000);
    ari.endCallNailedUp(CALL);
    await waitFor(() => events.length > 0, 'the session to end', 10_000);
    expect(events).toEqual([expect.objectContaining({ type: 'ended', sessionId: 'monitor-8', reason: 'call-ended' })]);
    await waitFor(() => !ari.channels.has('monitor-8-supervisor') && !ari.bridges.has('monitor-8-bridge'), 'the clean-up', 10_000);
    // The parked line is still up; the snoop on it is hung up once it did not go with the line.
    await waitFor(() => ![...ari.channels.values()].some((c) => c.kind === 'snoop'), 'the snoop on the parked line hung up', 10_000);
    expect(ari.channels.has(AGENT_LEG)).toBe(true);
  });

  it('a blind transfer to a parked line (nailed-up): the snoop leaves the first agent, parked again, for the target', async () => {
    const { ari, monitor, events } = await setUp();
    await monitor.begin({ sessionId: 'monitor-9', callId: CALL, agentCode: 'Agent/9001', endpoint: 'PJSIP/sup1', mode: 'whisper' });
    await waitFor(() => ari.hearersOf(CALL, 'supervisor').includes('agent'), 'whispering', 10_000);
    ari.transferNailedUp(CALL, AGENT_LEG, 'ccs-agent-9002-1');
    await waitFor(() => [...ari.channels.values()].some((c) => c.kind === 'snoop' && c.of === 'ccs-agent-9002-1' && c.bridge), 'a snoop on the new agent', 10_000);
    expect([...ari.channels.values()].filter((c) => c.kind === 'snoop').map((c) => c.of)).toEqual(['ccs-agent-9002-1']);
    expect(ari.hearersOf(CALL, 'supervisor')).toEqual(['agent']);
    expect(events).toEqual([]);
  });

  it('the supervisor hanging up ends the session as supervisor-left; the call goes on untouched', async () => {
    const { ari, monitor, events } = await setUp();
    await monitor.begin({ sessionId: 'monitor-4', callId: CALL, agentCode: 'Agent/9001', endpoint: 'PJSIP/sup1', mode: 'barge' });
    await waitFor(() => ari.bridges.get(`${CALL}-bridge`)!.channels.has('monitor-4-supervisor'), 'barging', 10_000);
    ari.hangUpFarEnd('monitor-4-supervisor');
    await waitFor(() => events.length > 0, 'the session to end', 10_000);
    expect(events).toEqual([expect.objectContaining({ sessionId: 'monitor-4', reason: 'supervisor-left' })]);
    expect(ari.bridges.get(`${CALL}-bridge`)!.channels).toEqual(new Set([CALL, AGENT_LEG]));
  });

  it('a start while the monitoring link is down is refused as unavailable, after a bounded wait', async () => {
    ari = await ScriptedMonitorAri.start('ccs-monitor');
    const url = ari.url;
    await ari.close();
    ari = undefined;
    monitor = createAriCallMonitor({ url, user: 'dialer', password: 'dialer-ari-secret', app: 'ccs-monitor', linkWaitMs: 300 }, { clock: systemClock, logger: createLogger('silent') });
    await monitor.start(() => {});
    await expect(monitor.begin({ sessionId: 'monitor-6', callId: CALL, agentCode: 'Agent/9001', endpoint: 'PJSIP/sup1', mode: 'listen' })).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('a supervisor endpoint Asterisk cannot dial fails the start and leaves nothing behind', async () => {
    const { ari, monitor } = await setUp();
    await expect(monitor.begin({ sessionId: 'monitor-5', callId: CALL, agentCode: 'Agent/9001', endpoint: 'PJSIP/nobody', mode: 'listen' })).rejects.toThrow(/Allocation failed/);
    expect(ari.bridges.has('monitor-5-bridge')).toBe(false);
    expect([...ari.channels.values()].filter((c) => c.kind === 'snoop')).toEqual([]);
  });
});

describe('ARI call monitor in a cluster (several nodes on one Asterisk)', () => {
  let ari: ScriptedMonitorAri | undefined;
  const monitors: CallMonitor[] = [];
  afterEach(async () => {
    await Promise.all(monitors.splice(0).map((m) => m.stop()));
    await ari?.close();
    ari = undefined;
  });

  /** A node's monitor as the service makes it: from the node's settings. */
  async function node(url: string, env: Record<string, string>) {
    const config = loadConfig({ CCS_TELEPHONY: 'asterisk', CCS_ARI_URL: url, CCS_ARI_USER: 'dialer', CCS_ARI_PASSWORD: 'dialer-ari-secret', ...env }, '/nonexistent-ccs-config-dir');
    const monitor = createCallMonitor(config, { clock: systemClock, logger: createLogger('silent'), events: { on: () => () => {} } });
    monitors.push(monitor);
    const events: MonitorEvent[] = [];
    await monitor.start((e) => events.push(e));
    return { monitor, events };
  }

  it('each node gets the events of the sessions it started, whichever node connected last', async () => {
    const a = (ari = await ScriptedMonitorAri.startAccepting((app) => app.startsWith('ccs-monitor')));
    a.phones.add('PJSIP/sup2');
    const cluster = { CCS_DATABASE_URL: 'postgres://ccs@db.example:5432/ccs' };
    const first = await node(a.url, { ...cluster, CCS_NODE_ID: 'node a:8080' });
    await waitFor(() => a.connections === 1, 'the first node to connect', 10_000);
    const second = await node(a.url, { ...cluster, CCS_NODE_ID: 'node-b' });
    await waitFor(() => a.connections === 2, 'the second node to connect', 10_000);
    a.connectedCall('ccs-7-1-1', 'ccs-agent-9001-1');
    a.connectedCall('ccs-7-2-1', 'ccs-agent-9002-1');

    // The node that connected first monitors too: its supervisor's phone and snoop reach its room.
    await first.monitor.begin({ sessionId: 'monitor-1', callId: 'ccs-7-1-1', agentCode: 'Agent/9001', endpoint: 'PJSIP/sup1', mode: 'listen' });
    await second.monitor.begin({ sessionId: 'monitor-2', callId: 'ccs-7-2-1', agentCode: 'Agent/9002', endpoint: 'PJSIP/sup2', mode: 'listen' });
    await waitFor(() => a.hearersOf('ccs-7-1-1', 'customer').includes('supervisor'), "the first node's supervisor listening", 10_000);
    await waitFor(() => a.hearersOf('ccs-7-2-1', 'customer').includes('supervisor'), "the second node's supervisor listening", 10_000);
    expect(a.requests).toContain('POST /ari/applications/ccs-monitor-node-a-8080/subscription?eventSource=channel%3Accs-7-1-1%2Cbridge%3Accs-7-1-1-bridge');
    expect(a.requests).toContain('POST /ari/applications/ccs-monitor-node-b/subscription?eventSource=channel%3Accs-7-2-1%2Cbridge%3Accs-7-2-1-bridge');

    // A call's end reaches the node monitoring it, and only that one.
    a.endCall('ccs-7-1-1');
    await waitFor(() => first.events.length > 0, "the first node's session to end", 10_000);
    expect(first.events).toEqual([expect.objectContaining({ sessionId: 'monitor-1', reason: 'call-ended' })]);
    expect(second.events).toEqual([]);
    expect(a.hearersOf('ccs-7-2-1', 'customer')).toContain('supervisor');
  });

  it('one node alone keeps the plain name; names from node ids keep only what ARI takes', () => {
    expect(monitorAppName('ccs', null)).toBe('ccs-monitor');
    expect(monitorAppName('ccs', 'pbx host:8080/1')).toBe('ccs-monitor-pbx-host-8080-1');
    expect(monitorAppName('outbound', 'node_2.dc-1')).toBe('outbound-monitor-node_2.dc-1');
  });
});
