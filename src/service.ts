/**
 * The composition root: configuration → adapters (store, recordings, telephony, CRM delivery,
 * HTTP) → engine, with an ordered start and stop. The only module that constructs adapters;
 * tests pass overrides (a virtual clock, a scripted telephony driver) through the same path.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { closeCampaign } from './application/close-campaign.ts';
import { createOperatorViews } from './application/operator-views.ts';
import { receiveCampaign } from './application/receive-campaign.ts';
import { recordWrapUps } from './application/wrap-up-recorder.ts';
import { systemClock } from './clock/system-clock.ts';
import type { Config } from './config/config.ts';
import { profileForType } from './domain/profile.ts';
import { withOverride } from './domain/campaign-control.ts';
import type { DialPolicy } from './engine/dial-policy.ts';
import { createEngine, type Engine } from './engine/engine.ts';
import { createPacing } from './engine/pacing/create-pacing.ts';
import { localOperatorTrust } from './http/operator-auth.ts';
import { registerPacingRoutes } from './http/pacing-routes.ts';
import { defaultPacers, type PacerRegistry } from './engine/pacer.ts';
import { buildHttpServer, type ReadinessReport } from './http/server.ts';
import { createLogger } from './observability/logger.ts';
import { stopStep } from './service-stop.ts';
import { createMetrics } from './observability/metrics.ts';
import { resolveDeliveryConfig } from './outbox/delivery-config.ts';
import { createDeliveryWorker, type DeliveryWorker } from './outbox/delivery-worker.ts';
import { createHttpCallbackSender } from './outbox/http-sender.ts';
import type { Clock } from './ports/clock.ts';
import type { Logger } from './ports/logger.ts';
import type { RecordingStore } from './ports/recording-store.ts';
import type { Store } from './ports/store.ts';
import type { TelephonyDriver } from './ports/telephony.ts';
import { createFileRecordingStore } from './recordings/file-recording-store.ts';
import { RecordingHealth } from './recordings/recording-health.ts';
import { createRetryingRecordingStore } from './recordings/retrying-recording-store.ts';
import { createLinkSigner } from './recordings/signed-links.ts';
import { createRetentionJob, type RetentionJob } from './recordings/retention-job.ts';
import { createDeliveredPruning } from './outbox/delivered-pruning.ts';
import { registerRecordingOpsRoutes } from './http/recording-ops-routes.ts';
import { recordingCatalogRepository } from './store/recording-catalog-repository.ts';
import { complianceDialPolicy } from './compliance/compliance-policy.ts';
import { complianceReadiness } from './compliance/compliance-status.ts';
import { createReceiptScreening } from './compliance/receipt-screening.ts';
import { ruleSetRegistry } from './compliance/rule-sets.ts';
import { registerComplianceRoutes } from './http/compliance-routes.ts';
import { registerReportRoutes } from './http/report-routes.ts';
import { createCampaignForecaster } from './application/campaign-forecast.ts';
import { registerForecastRoutes } from './http/forecast-routes.ts';
import { attemptHistory } from './store/attempt-history.ts';
import { dncRepository } from './store/dnc-repository.ts';
import { manualCallRepository } from './store/manual-call-repository.ts';
import { openSqlDatabase } from './store/sql-store.ts';
import { dispositionRepository } from './store/disposition-repository.ts';
import { campaignControlRepository } from './store/campaign-control-repository.ts';
import { registerCampaignControlRoutes } from './http/campaign-control-routes.ts';
import { registerDispositionSettingsRoutes } from './http/disposition-settings-routes.ts';
import { dispositionSettingsRepository } from './store/disposition-settings-repository.ts';
import { sessionRepository } from './store/session-repository.ts';
import { reportRepository } from './store/report-repository.ts';
import { createTelephonyDriver } from './telephony/create-driver.ts';
import { connectWhileDialing } from './telephony/connect-while-dialing.ts';
import { createWebUi } from './web/web-ui.ts';
import { createBrowserPhones, createSupervisorPhones } from './telephony/create-browser-phones.ts';
import { createWallboard } from './web/wallboard.ts';
import { registerWallboardRoutes } from './http/wallboard-routes.ts';
import { kioskLinkRepository } from './store/kiosk-link-repository.ts';
import type { Coordination } from './ports/coordination.ts';
import type { FenceHolder } from './store/lease-fence.ts';
import { singleNodeCoordination } from './cluster/single-node-coordination.ts';
import { postgresCoordination } from './cluster/postgres-coordination.ts';
import { registerClusterRoutes } from './http/cluster-routes.ts';
import { createCallMonitoring } from './application/call-monitoring.ts';
import { registerMonitoringRoutes } from './http/monitoring-routes.ts';
import { createNodeForwarding } from './http/node-forwarding.ts';
import { monitoringPlacement } from './application/monitoring-placement.ts';
import { defaultNodeUrl } from './cluster/node-address.ts';
import { monitoringRepository } from './store/monitoring-repository.ts';
import { createCallMonitor } from './telephony/create-call-monitor.ts';

export interface ServiceOverrides {
  clock?: Clock;
  logger?: Logger;
  telephony?: TelephonyDriver;
  policy?: DialPolicy;
  pacers?: Partial<PacerRegistry>;
  /** Puts something in front of the store (fault-injection tests). */
  wrapStore?: (store: Store) => Store;
}

export interface Service {
  config: Config;
  app: FastifyInstance;
  engine: Engine;
  store: Store;
  outbox: DeliveryWorker;
  recordings: RecordingStore;
  /** Deletes recordings past their profile's retention (hourly). */
  retention: RetentionJob;
  /** Which node dials which agent group (one node alone holds them all). */
  coordination: Coordination;
  /** Listens (failing first when the port is taken), then starts everything; resolves with the base URL. */
  start(): Promise<string>;
  /**
   * Stops everything. With `graceSeconds` (a SIGTERM), calls in progress get that long to end
   * and be reported first; without (tests, tools), the engine stops at once and leaves them
   * open for the next start.
   */
  stop(options?: { graceSeconds?: number }): Promise<void>;
}

/** How long a node waits for another to answer a request passed on to it (a supervisor waits meanwhile). */
const FORWARD_TIMEOUT_MS = 5_000;

/** The secret that signs recording links must survive restarts, or links already sent would break. */
function signingSecret(config: Config): string {
  if (config.signingSecret) return config.signingSecret;
  const path = join(config.dataDir, 'signing-secret');
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  mkdirSync(config.dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(path, secret, { mode: 0o600 });
  return secret;
}

/**
 * Ready only while the store reads and writes: a read, a committed heartbeat write (a full disk
 * or a read-only database fails it), and no engine write waiting to be retried. The reason
 * names what failed and the last write error the engine saw.
 */
async function databaseReadiness(store: Store, engine: Engine, clock: Clock): Promise<{ ok: boolean; reason?: string }> {
  const writes = engine.storeWrites();
  const lastEngineError = writes.lastError ? `; last engine write error (${writes.lastError.what}, ${new Date(writes.lastError.at).toISOString()}): ${writes.lastError.message}` : '';
  const message = (error: unknown) => String((error as Error)?.message ?? error);
  try {
    await store.ping();
  } catch (error) {
    return { ok: false, reason: `cannot read: ${message(error)}${lastEngineError}` };
  }
  try {
    await store.probeWrite(clock.now());
  } catch (error) {
    return { ok: false, reason: `cannot write: ${message(error)}${lastEngineError}` };
  }
  if (writes.retrying > 0) return { ok: false, reason: `${writes.retrying} call or campaign write(s) waiting to be retried${lastEngineError}` };
  return { ok: true };
}

export async function createService(config: Config, overrides: ServiceOverrides = {}): Promise<Service> {
  const clock = overrides.clock ?? systemClock;
  const logger = overrides.logger ?? createLogger(config.logLevel);
  // A cluster's fenced writes check this node's lease in their own transaction (src/store/lease-fence.ts).
  const fence: FenceHolder = {};
  const opened = await openSqlDatabase(config.databaseUrl, { logger, fence, poolSize: config.databasePoolSize });
  const { db } = opened;
  const agentGroups = [...new Set([config.defaultProfile, ...config.profiles].map((p) => p.agentGroup))];
  // Where the other nodes reach this one; the default names the port chosen when listening.
  let nodeUrl = config.cluster.nodeUrl;
  const coordination: Coordination =
    opened.dialect === 'postgres'
      ? (() => {
          const clustered = postgresCoordination({
            db,
            databaseUrl: config.databaseUrl,
            nodeId: config.cluster.nodeId,
            nodeUrl: () => nodeUrl,
            leaseSeconds: config.cluster.leaseSeconds,
            groupOfType: (typeId) => profileForType(config.profiles, typeId, config.defaultProfile).agentGroup,
            // Only the dialing node may connect to ARI (below), so one node dials every group.
            oneDialingNode: config.telephony === 'asterisk',
            logger,
          });
          fence.check = (trx, campaignId) => clustered.fence(trx, campaignId);
          return clustered;
        })()
      : singleNodeCoordination(config.cluster.nodeId, () => (overrides.clock ?? systemClock).now());
  // Another node dialing the campaign's group hears of a campaign received or closed here.
  const campaignsChanged = () => {
    if (coordination.clustered) void coordination.signal();
  };
  const store = overrides.wrapStore ? overrides.wrapStore(opened.store) : opened.store;
  const dnc = dncRepository(db);
  const manualCalls = manualCallRepository(db);
  const callbacks = dispositionRepository(db, opened.dialect);
  const recordingCatalog = recordingCatalogRepository(db);
  // A write that fails (full disk, read-only folder) is tried again before the call is reported.
  const recordingHealth = new RecordingHealth();
  const recordings = createRetryingRecordingStore(createFileRecordingStore(config.recordings.dir, { clock }), { clock, logger, health: recordingHealth });
  // With port 0 (tests) the default public URL names the port chosen when listening.
  let recordingBase = config.recordings.baseUrl;
  const secret = signingSecret(config);
  const signer = createLinkSigner({ secret, baseUrl: () => recordingBase, ttlSeconds: config.recordings.linkTtlSeconds });
  // In a cluster on Asterisk only the dialing node may hold the Stasis application's events.
  const pbxLink =
    !overrides.telephony && coordination.clustered && config.telephony === 'asterisk'
      ? connectWhileDialing(await createTelephonyDriver(config, { clock, logger, recordings }), () => createTelephonyDriver(config, { clock, logger, recordings }), { clock, logger })
      : null;
  const telephony = overrides.telephony ?? pbxLink?.driver ?? (await createTelephonyDriver(config, { clock, logger, recordings }));

  const deliveryConfig = resolveDeliveryConfig({
    updateUrl: config.crm.updateUrl,
    finishUrl: config.crm.finishUrl,
    requestTimeoutMs: config.crm.timeoutMs,
    maxAgeMs: Math.round(config.crm.maxAgeMs),
    hmacSecret: config.crm.hmacSecret,
    concurrency: config.crm.concurrency,
    leaseMs: Math.max(60_000, config.crm.timeoutMs * 3),
  });
  let outbox: DeliveryWorker | null = null;
  const profiles = { list: config.profiles, fallback: config.defaultProfile };
  const profileOf = (c: { typeId: number | null }) => profileForType(profiles.list, c.typeId, profiles.fallback);
  const ruleSets = ruleSetRegistry(config.compliance.ruleSets);
  const policy = overrides.policy ?? complianceDialPolicy({ dnc, history: attemptHistory(db), timeZone: config.timeZone, logger, ruleSets });
  const complianceStatus = { store, profiles, ruleSets };
  const complianceCheck = complianceReadiness(complianceStatus);

  const pacing = createPacing({ clock });
  const engine = createEngine({
    store,
    telephony,
    clock,
    logger,
    settings: {
      timeZone: config.timeZone,
      maxConcurrentCalls: config.dialer.maxConcurrentCalls,
      maxCallsPerSecond: config.dialer.maxCallsPerSecond,
      abandonHoldSeconds: config.dialer.abandonHoldSeconds,
      maxWrapUpSeconds: config.dialer.maxWrapUpSeconds,
      crmExtraFields: config.crm.extraFields,
      callbackGraceSeconds: config.dialer.callbackGraceSeconds,
      // Attempt writes of a pass in flight at once: half the PostgreSQL pool (the rest for calls ending).
      placementsInFlight: store.dialect === 'postgres' ? Math.max(4, Math.floor(config.databasePoolSize / 2)) : 4,
      agents: config.agents.map((a) => ({ agentCode: a.agentCode, stationId: a.stationId, group: a.group, ...(a.endpoint ? { endpoint: a.endpoint } : {}) })),
      record: true,
    },
    profiles,
    policy,
    pacers: { ...defaultPacers, ...pacing.pacers, ...overrides.pacers },
    recordingUrl: (key, now) => signer.urlFor(key, now),
    onCallbackQueued: () => outbox?.wake(),
    manualCalls,
    callbacks,
    controlStore: campaignControlRepository(db),
    dialsGroup: (group) => coordination.holds(group),
  });

  pacing.observe(engine.events);
  // A supervisor's control set through this node reaches the node that dials the campaign.
  engine.events.on('campaign:control', campaignsChanged);
  engine.events.on('agent:group', campaignsChanged);
  // Supervisors' disposition codes per profile, over the config file's (migration 013).
  const dispositionSettings = dispositionSettingsRepository(db);
  const storedDispositions = await dispositionSettings.loadAll();
  for (const s of storedDispositions) engine.dispositions.setOverride(s.profile, s.settings);
  // Wrap-up times for reports, kept with the call each one followed.
  recordWrapUps(engine.events, reportRepository(db), logger, (callId) => engine.endWritten(callId));
  const metrics = createMetrics({ store, engine, now: () => clock.now(), pacing, recordings: recordingHealth, groupsHeld: () => coordination.held() });
  const sender = createHttpCallbackSender({ clock, requestTimeoutMs: deliveryConfig.requestTimeoutMs, hmacSecret: deliveryConfig.hmacSecret, connectionsPerOrigin: deliveryConfig.concurrency });
  outbox = createDeliveryWorker({ store, clock, logger, observer: metrics.deliveryObserver, config: deliveryConfig, sender });
  const screenContacts = createReceiptScreening({ store, policy, clock, logger, timeZone: config.timeZone, profileOf, onCallbackQueued: () => outbox?.wake() });

  // The forecast runs this engine's code once more, in virtual time, on a copy of the campaign.
  const forecaster = createCampaignForecaster({
    store,
    clock,
    profileOf: (c) => withOverride(profileOf(c), engine.controls.override(c.id)),
    agents: () => engine.agents(),
    pacingCalibration: (group) => pacing.snapshot().find((g) => g.group === group)?.calibration ?? null,
    settings: {
      timeZone: config.timeZone,
      maxConcurrentCalls: config.dialer.maxConcurrentCalls,
      maxCallsPerSecond: config.dialer.maxCallsPerSecond,
      abandonHoldSeconds: config.dialer.abandonHoldSeconds,
      maxWrapUpSeconds: config.dialer.maxWrapUpSeconds,
    },
  });

  const views = createOperatorViews({
    store,
    timeZone: config.timeZone,
    now: () => clock.now(),
    profileOf,
    liveCalls: () => engine.liveCalls(),
    recordingUrl: (key, now) => signer.urlFor(key, now),
    controlOf: (id) => engine.controls.get(id),
    previewOf: (agentCode) => engine.previewOffer(agentCode),
  });

  // Supervisors listen, whisper and barge with their own phone (the account's monitorEndpoint,
  // else their phone in the browser when CCS_WEBRTC_PHONE=browser; without either, on the
  // simulated floor any supervisor has one).
  const supervisorPhones = createSupervisorPhones(config, { clock, logger });
  const monitoring = createCallMonitoring({
    monitor: createCallMonitor(config, { clock, logger, events: engine.events }),
    // In a cluster each node closes at start only the sessions its own previous run left open.
    store: monitoringRepository(db, coordination.clustered ? { node: config.cluster.nodeId } : {}),
    clock,
    logger,
    events: engine.events,
    callOf: (callId) => engine.liveCall(callId),
    handlerOf: (callId) => engine.callControlView(callId)?.handler ?? null,
    // A configured monitorEndpoint (a desk phone the PBX knows) wins; otherwise, with the browser
    // phone on, the supervisor's phone in the browser, and only while it is registered.
    endpointOf: async (supervisor) => {
      const account = config.accounts.list.find((a) => a.username.toLowerCase() === supervisor.toLowerCase());
      if (account?.monitorEndpoint) return account.monitorEndpoint;
      if (supervisorPhones) {
        // No station set: the dashboard has no phone to register, so there is nowhere to send the audio.
        if (!account?.stationId) return null;
        const phone = await supervisorPhones.registration(supervisor);
        return phone?.registered ? phone.endpoint : { unregistered: true as const };
      }
      return config.telephony === 'simulator' ? `SIM/${supervisor}` : null;
    },
  });

  // In a cluster a supervisor reaches any node; monitoring is served by the node dialing the call.
  const monitoringCluster = coordination.clustered
    ? {
        forwarding: createNodeForwarding({ nodeId: config.cluster.nodeId, secret, timeoutMs: FORWARD_TIMEOUT_MS, now: () => Date.now() }),
        placement: monitoringPlacement({
          nodeId: config.cluster.nodeId,
          nodes: () => coordination.nodes(),
          groupOfCall: async (callId) => {
            const attempt = await store.getAttempt(callId);
            const campaign = attempt ? await store.getCampaign(attempt.campaignId) : undefined;
            return campaign ? profileOf(campaign).agentGroup : null;
          },
        }),
      }
    : null;

  const readiness = async (): Promise<ReadinessReport> => {
    const checks: ReadinessReport['checks'] = {};
    checks.database = await databaseReadiness(store, engine, clock);
    const t = telephony.health();
    checks.telephony = t.ready ? { ok: true } : { ok: false, reason: t.reason ?? 'telephony not ready' };
    checks.recordings = recordingHealth.readiness(clock.now());
    checks.crm = config.crm.updateUrl || config.crm.finishUrl ? { ok: true } : { ok: true, reason: 'no CRM URL configured: callbacks are kept in the outbox until one is' };
    checks.compliance = await complianceCheck().catch((error: unknown) => ({ ok: false, reason: String((error as Error)?.message ?? error) }));
    return { ready: Object.values(checks).every((c) => c.ok), checks };
  };

  const phones = createBrowserPhones(config, telephony, { clock, logger });
  const web = createWebUi({ accounts: config.accounts, publicUrl: config.publicUrl, timeZone: config.timeZone, engine, store, clock, logger, frameProbeHosts: config.frameProbeHosts, sessionRecords: sessionRepository(db), manualCalls, callbacks, coaching: monitoring, phones, supervisorPhones });
  const operatorAuth = { token: config.operatorToken, sessionRole: web.sessionRole, sessionUser: web.sessionUser, local: localOperatorTrust({ enabled: config.operatorLocal, bindHost: config.host }) };
  const retention = createRetentionJob({ clock, logger, catalog: recordingCatalog, files: recordings, profiles });
  const deliveredPruning = createDeliveredPruning({ clock, logger, outbox: store, keepDays: config.crm.keepDeliveredDays });

  const app = await buildHttpServer({
    logger,
    bodyLimitBytes: config.bodyLimitBytes,
    publicUrl: config.publicUrl,
    contract: {
      receive: (body) =>
        receiveCampaign({ store, clock, logger, timeZone: config.timeZone, screenContacts, onCampaignStored: async (id) => { await engine.campaignReceived(id); campaignsChanged(); } }, body),
      close: async (rawId) => {
        const outcome = await closeCampaign(engine, rawId);
        if (outcome.ok) campaignsChanged();
        return outcome;
      },
      apiKey: config.api.key,
      allowIps: config.api.allowIps,
    },
    operator: { store, engine, clock, views, auth: operatorAuth, onReplay: () => outbox?.wake() },
    recordings: { signer, recordings, clock, catalog: recordingCatalog, timeZone: config.timeZone },
    metrics,
    readiness,
    extensions: [
      web.register,
      (server) => registerPacingRoutes(server, { pacing, auth: operatorAuth, timeZone: config.timeZone }),
      (server) =>
        registerDispositionSettingsRoutes(server, { auth: operatorAuth, repository: dispositionSettings, profiles, engine: engine.dispositions, clock, timeZone: config.timeZone, stored: storedDispositions }),
      (server) => registerCampaignControlRoutes(server, { controls: engine.controls, store, auth: operatorAuth, timeZone: config.timeZone, profileOf }),
      (server) => registerComplianceRoutes(server, { auth: operatorAuth, dnc, manualCalls, store, clock, timeZone: config.timeZone, status: complianceStatus }),
      (server) => registerRecordingOpsRoutes(server, { auth: operatorAuth, catalog: recordingCatalog, recordings, clock, timeZone: config.timeZone }),
      (server) => registerReportRoutes(server, { auth: operatorAuth, reports: reportRepository(db), clock, timeZone: config.timeZone }),
      (server) => registerForecastRoutes(server, { auth: operatorAuth, forecaster, timeZone: config.timeZone }),
      (server) => registerClusterRoutes(server, { auth: operatorAuth, coordination, timeZone: config.timeZone }),
      (server) => registerMonitoringRoutes(server, { auth: operatorAuth, monitoring, timeZone: config.timeZone, ...(monitoringCluster ? { cluster: monitoringCluster } : {}) }),
      (server) => {
        const links = kioskLinkRepository(db);
        const wallboard = createWallboard({ engine, store, views, callbacks, links, clock, logger });
        registerWallboardRoutes(server, { auth: operatorAuth, links, wallboard, snapshot: { engine, store, views, callbacks, clock }, clock, logger, timeZone: config.timeZone, publicUrl: config.publicUrl });
      },
    ],
  });

  let started = false;
  // The port is taken before anything starts: a second CCS given a port in use (an `npm start`
  // beside a running one) stops there, before it adopts the running one's calls as left over
  // from a crash or takes its leases. Requests that arrive meanwhile wait for the start.
  let starting: Promise<void> | null = null;
  app.addHook('onRequest', async () => {
    if (!started && starting) await starting;
  });
  return {
    config,
    app,
    engine,
    store,
    outbox,
    recordings,
    retention,
    coordination,
    async start() {
      const address = await app.listen({ port: config.port, host: config.host });
      const port = new URL(address).port;
      if (config.port === 0 && /:0$/.test(recordingBase)) recordingBase = recordingBase.replace(/:0$/, `:${port}`);
      nodeUrl ??= defaultNodeUrl(config.host, Number(port));
      starting = (async () => {
        // The groups this node holds are known before the engine loads their campaigns.
        await coordination.start(agentGroups, {
          acquired: async (group) => {
            await pbxLink?.connect();
            await engine.takeGroup(group);
          },
          lost: (group) => {
            engine.dropGroup(group);
            if (pbxLink && coordination.held().length === 0) void pbxLink.disconnect().catch((error: unknown) => logger.warn({ err: String(error) }, 'PBX disconnect failed'));
          },
          campaignsChanged: () => void engine.syncCampaigns().catch((error: unknown) => logger.warn({ err: String((error as Error)?.message ?? error) }, 'campaign sync failed')),
        });
        // Groups held from the first round: connected before the engine adopts their open attempts.
        if (coordination.held().length > 0) await pbxLink?.connect();
        await engine.start();
        await monitoring.attach();
        outbox!.start();
        retention.start();
        deliveredPruning.start();
        started = true;
      })();
      // Waiting requests fail with it (500) if the start fails; the caller gets the error below.
      starting.catch(() => {});
      await starting;
      logger.info({ address, telephony: telephony.name, database: store.dialect }, 'CCS is listening');
      return address.replace('0.0.0.0', '127.0.0.1').replace('[::]', '127.0.0.1');
    },
    async stop(options = {}) {
      const graceMs = (options.graceSeconds ?? 0) * 1000;
      // Requests in progress finish; past the bound their connections are closed.
      if (!(await stopStep(logger, 'http server', () => app.close()))) app.server.closeAllConnections();
      if (started) {
        // Supervisors leave the calls they monitor; dialling stops; calls in progress get the grace to end while the outbox still delivers.
        await stopStep(logger, 'call monitoring', () => monitoring.detach());
        await stopStep(logger, 'engine', () => engine.stop({ graceMs }), graceMs);
        await stopStep(logger, 'callback delivery', () => outbox!.stop());
      }
      // Given back, so another node dials these groups at once.
      await stopStep(logger, 'cluster coordination', () => coordination.stop());
      await stopStep(logger, 'recording retention', () => retention.stop());
      await stopStep(logger, 'outbox pruning', () => deliveredPruning.stop());
      await stopStep(logger, 'callback sender', () => sender.close());
      await store.close();
    },
  };
}
