/**
 * Supervisors' monitoring sessions applied to the simulated floor's monitor, audited in SQLite
 * and PostgreSQL: listen → whisper → barge → stop with each mode's from–to times, coaching shown
 * for whisper and barge only, a session ended by its call, one session per supervisor and one
 * supervisor per call, and refusals that leave nothing behind.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createCallMonitoring, type MonitoredCall } from '../../src/application/call-monitoring.ts';
import { VirtualClock } from '../../src/clock/virtual-clock.ts';
import { EngineEvents } from '../../src/engine/engine-events.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { monitoringRepository } from '../../src/store/monitoring-repository.ts';
import { openSqlDatabase, type SqlDatabase } from '../../src/store/sql-store.ts';
import { createSimulatedCallMonitor } from '../../src/telephony/simulator/simulated-call-monitor.ts';
import { createAgentPhones, memoryPhoneAuth } from '../../src/web/agent-phone.ts';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.ts';

const T0 = Date.UTC(2026, 0, 5, 2, 0, 0);

describe.each(DIALECTS)('call monitoring, on %s', (dialect) => {
  const opened: { db: SqlDatabase; test: TestDatabase }[] = [];
  afterEach(async () => {
    for (const o of opened.splice(0)) {
      await o.db.store.close();
      await o.test.drop();
    }
  });

  async function setUp() {
    const test = await createTestDatabase(dialect);
    const db = await openSqlDatabase(test.url);
    opened.push({ db, test });
    const clock = new VirtualClock(T0);
    const events = new EngineEvents();
    const floor = createSimulatedCallMonitor({ clock });
    const calls = new Map<string, MonitoredCall>();
    const handlers = new Map<string, string>();
    const changes: string[] = [];
    // Supervisor `browser` has no monitorEndpoint: its phone in the browser is rung (as src/service.ts chooses).
    const supervisorPhones = createAgentPhones({
      settings: { phone: 'browser', wsUrl: null, endpointTemplate: 'webrtc-{station}', sipDomain: null, registerSeconds: 30, iceServers: [], iceTransportPolicy: 'all' },
      telephony: 'simulator',
      agentMode: 'on-answer',
      auth: memoryPhoneAuth(),
      clock,
      logger: createLogger('silent'),
    });
    const monitoring = createCallMonitoring({
      monitor: floor,
      store: monitoringRepository(db.db),
      clock,
      logger: createLogger('silent'),
      events,
      callOf: (id) => calls.get(id),
      endpointOf: async (supervisor) => {
        if (supervisor === 'nophone') return null;
        if (supervisor !== 'browser') return `SIM/${supervisor}`;
        const phone = await supervisorPhones.registration(supervisor);
        return phone?.registered ? phone.endpoint : { unregistered: true as const };
      },
      handlerOf: (callId) => handlers.get(callId) ?? null,
    });
    monitoring.onChange((s, _previous, former) => changes.push(`${s.supervisor}:${s.state}:${s.agentCode}${former ? `<-${former}` : ''}`));
    await monitoring.attach();
    const connect = (callId: string, agentCode: string, campaignId = 7) => {
      calls.set(callId, { campaignId, agentCode, state: 'connected' });
      floor.callConnected(callId, agentCode);
    };
    const end = (callId: string) => {
      const call = calls.get(callId)!;
      calls.delete(callId);
      floor.callEnded(callId);
      events.emit('call:ended', { callId, campaignId: call.campaignId, contactId: 1, status: 'ANSWERED', agentCode: call.agentCode, at: clock.now(), waitedMs: null });
    };
    const transfer = (callId: string, agentCode: string) => {
      handlers.set(callId, agentCode);
      events.emit('call:control', { callId, agentCodes: [agentCode], at: clock.now() });
    };
    return { clock, floor, monitoring, connect, end, transfer, calls, changes, supervisorPhones, repo: monitoringRepository(db.db) };
  }

  it('listen, whisper, barge and stop on one call: the supervisor phone is dialled once, each mode is audited with its times', async () => {
    const { clock, floor, monitoring, connect, repo } = await setUp();
    connect('c-1', 'Agent/1001');

    expect(await monitoring.start('sup', 'c-1', 'listen')).toMatchObject({ ok: true, session: { state: 'listening', mode: 'listen', agentCode: 'Agent/1001', campaignId: 7 } });
    expect(floor.hearersOf('c-1', 'supervisor')).toEqual([]);
    expect(floor.hearersOf('c-1', 'customer')).toEqual(['agent', 'supervisor']);
    expect(monitoring.coachingOf('Agent/1001')).toBeNull();

    await clock.advanceBy(10_000);
    expect(await monitoring.switchMode('sup', 'whisper')).toMatchObject({ ok: true, session: { state: 'whispering' } });
    expect(floor.hearersOf('c-1', 'supervisor')).toEqual(['agent']);
    expect(monitoring.coachingOf('Agent/1001')).toMatchObject({ mode: 'whisper', supervisor: 'sup', since: T0 + 10_000 });

    await clock.advanceBy(5_000);
    // Listen / whisper / barge on the call already monitored switches its mode.
    expect(await monitoring.start('sup', 'c-1', 'barge')).toMatchObject({ ok: true, session: { state: 'barging' } });
    expect(floor.hearersOf('c-1', 'supervisor')).toEqual(['agent', 'customer']);
    expect(floor.sessionsOf('c-1')).toEqual([expect.objectContaining({ mode: 'barge', endpoint: 'SIM/sup', dials: 1 })]);

    await clock.advanceBy(5_000);
    expect(await monitoring.stop('sup')).toMatchObject({ ok: true, session: { state: 'ended' } });
    expect(floor.sessionsOf('c-1')).toEqual([]);
    expect(monitoring.current('sup')).toBeNull();
    expect(monitoring.coachingOf('Agent/1001')).toBeNull();

    const [record] = await repo.list({});
    expect(record).toMatchObject({ supervisor: 'sup', callId: 'c-1', campaignId: 7, agentCode: 'Agent/1001', endpoint: 'SIM/sup', startedAt: T0, endedAt: T0 + 20_000, endReason: 'stopped' });
    expect(record!.modes).toEqual([
      { mode: 'listen', from: T0, to: T0 + 10_000 },
      { mode: 'whisper', from: T0 + 10_000, to: T0 + 15_000 },
      { mode: 'barge', from: T0 + 15_000, to: T0 + 20_000 },
    ]);
  });

  it('a session ends when its call ends, and the end is audited', async () => {
    const { clock, monitoring, connect, end, repo } = await setUp();
    connect('c-2', 'Agent/1002');
    await monitoring.start('sup', 'c-2', 'whisper');
    await clock.advanceBy(3_000);
    end('c-2');
    expect(monitoring.current('sup')).toBeNull();
    expect(monitoring.coachingOf('Agent/1002')).toBeNull();
    await expect.poll(async () => (await repo.list({}))[0]?.endReason).toBe('call-ended');
    expect((await repo.list({}))[0]).toMatchObject({ endedAt: T0 + 3_000, modes: [{ mode: 'whisper', from: T0, to: T0 + 3_000 }] });
  });

  it('does not monitor a call that is not connected, or one that ended, and stores nothing for it', async () => {
    const { monitoring, connect, end, calls, repo } = await setUp();
    calls.set('c-ringing', { campaignId: 7, agentCode: null, state: 'ringing' });
    expect(await monitoring.start('sup', 'c-ringing', 'listen')).toMatchObject({ ok: false, code: 'not-connected' });
    connect('c-3', 'Agent/1003');
    end('c-3');
    expect(await monitoring.start('sup', 'c-3', 'listen')).toMatchObject({ ok: false, code: 'not-connected' });
    expect(await monitoring.start('sup', 'c-unknown', 'listen')).toMatchObject({ ok: false, code: 'not-connected' });
    expect(await repo.list({})).toEqual([]);
  });

  it('one session per supervisor and one supervisor per call', async () => {
    const { monitoring, connect } = await setUp();
    connect('c-4', 'Agent/1001');
    connect('c-5', 'Agent/1002');
    expect((await monitoring.start('sup', 'c-4', 'listen')).ok).toBe(true);
    expect(await monitoring.start('sup', 'c-5', 'listen')).toMatchObject({ ok: false, code: 'busy' });
    expect(await monitoring.start('other', 'c-4', 'listen')).toMatchObject({ ok: false, code: 'call-monitored' });
    expect((await monitoring.start('other', 'c-5', 'whisper')).ok).toBe(true);
    expect(monitoring.active().map((s) => [s.supervisor, s.callId, s.mode])).toEqual([
      ['sup', 'c-4', 'listen'],
      ['other', 'c-5', 'whisper'],
    ]);
  });

  it('refuses intents that do not fit: a mode already in force, a switch or stop without a session, a bad mode, a supervisor without a phone', async () => {
    const { monitoring, connect } = await setUp();
    connect('c-6', 'Agent/1001');
    expect(await monitoring.switchMode('sup', 'whisper')).toMatchObject({ ok: false, code: 'not-monitoring' });
    expect(await monitoring.stop('sup')).toMatchObject({ ok: false, code: 'not-monitoring' });
    expect(await monitoring.start('sup', 'c-6', 'shout')).toMatchObject({ ok: false, code: 'invalid' });
    expect(await monitoring.start('nophone', 'c-6', 'listen')).toMatchObject({ ok: false, code: 'no-endpoint' });
    await monitoring.start('sup', 'c-6', 'listen');
    expect(await monitoring.switchMode('sup', 'listen')).toMatchObject({ ok: false, code: 'same-mode' });
  });

  it("a supervisor without monitorEndpoint monitors through the browser phone, and only while it is registered", async () => {
    const { monitoring, connect, floor, supervisorPhones, clock, repo } = await setUp();
    connect('c-9', 'Agent/1001');
    // No phone issued yet, then issued but not registered: refused in words, nothing stored.
    expect(await monitoring.start('browser', 'c-9', 'listen')).toMatchObject({ ok: false, code: 'phone-unregistered', message: expect.stringContaining('not connected') });
    const issued = await supervisorPhones.provision({ agentCode: 'browser', stationId: 'browser' }, 'browser');
    expect(await monitoring.start('browser', 'c-9', 'listen')).toMatchObject({ ok: false, code: 'phone-unregistered' });
    expect(await repo.list({ supervisor: 'browser' })).toEqual([]);
    expect(supervisorPhones.register('browser', { username: issued.username, password: issued.password })).toMatchObject({ ok: true });
    expect(await monitoring.start('browser', 'c-9', 'listen')).toMatchObject({ ok: true, session: { endpoint: 'PJSIP/webrtc-browser', mode: 'listen' } });
    expect(floor.sessionsOf('c-9')).toMatchObject([{ endpoint: 'PJSIP/webrtc-browser', mode: 'listen', dials: 1 }]);
    expect(await monitoring.start('browser', 'c-9', 'whisper')).toMatchObject({ ok: true, session: { mode: 'whisper' } });
    expect(await monitoring.stop('browser')).toMatchObject({ ok: true });
    // The registration lapses (the browser closed): the next start is refused again.
    await clock.advanceBy(31_000);
    expect(await monitoring.start('browser', 'c-9', 'listen')).toMatchObject({ ok: false, code: 'phone-unregistered' });
    // Signed out: its credentials are gone, and so is the phone.
    await supervisorPhones.signedOut('browser');
    expect(await supervisorPhones.registration('browser')).toBeNull();
  });

  it('after a transfer the session follows the call: the new agent is told it is coached, the first agent no more', async () => {
    const { monitoring, connect, transfer, changes } = await setUp();
    connect('c-9', 'Agent/1001');
    await monitoring.start('sup', 'c-9', 'whisper');
    transfer('c-9', 'Agent/1002');
    expect(monitoring.coachingOf('Agent/1001')).toBeNull();
    expect(monitoring.coachingOf('Agent/1002')).toMatchObject({ mode: 'whisper', supervisor: 'sup' });
    expect(changes.at(-1)).toBe('sup:whispering:Agent/1002<-Agent/1001');
    // A control that leaves the handler as it was (hold, mute) changes nothing.
    const seen = changes.length;
    transfer('c-9', 'Agent/1002');
    expect(changes).toHaveLength(seen);
  });

  it('the supervisor hanging up their phone ends the session', async () => {
    const { floor, monitoring, connect, repo } = await setUp();
    connect('c-7', 'Agent/1001');
    await monitoring.start('sup', 'c-7', 'barge');
    floor.supervisorHungUp(floor.sessionsOf('c-7')[0]!.sessionId);
    expect(monitoring.current('sup')).toBeNull();
    await expect.poll(async () => (await repo.list({}))[0]?.endReason).toBe('supervisor-left');
  });

  it('sessions left open by a stopped service are closed at the next start', async () => {
    const { monitoring, connect, repo, clock } = await setUp();
    connect('c-8', 'Agent/1001');
    await monitoring.start('sup', 'c-8', 'listen');
    await clock.advanceBy(1_000);
    // A crash: nothing ended the session; the next run's attach closes it.
    expect(await repo.closeOpen(clock.now())).toBe(1);
    expect((await repo.list({}))[0]).toMatchObject({ endedAt: T0 + 1_000, endReason: 'stopped', modes: [{ mode: 'listen', from: T0, to: T0 + 1_000 }] });
  });
});
