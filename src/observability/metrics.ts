/**
 * Prometheus metrics at /metrics. One registry per service instance (tests run several).
 * Counters follow the engine's events; gauges that describe stored state (outbox backlog)
 * are read from the store when scraped.
 */
import client from 'prom-client';
import type { Store } from '../ports/store.ts';
import type { Engine } from '../engine/engine.ts';
import type { CallbackKind } from '../ports/store.ts';
import type { PacingGroupSnapshot } from '../engine/pacing/pacing-snapshot.ts';
import type { RecordingHealth } from '../recordings/recording-health.ts';

export interface Metrics {
  registry: client.Registry;
  httpRequests: client.Counter<'method' | 'route' | 'status'>;
  httpDuration: client.Histogram<'method' | 'route'>;
  deliveryObserver: {
    delivered(kind: CallbackKind, latencyMs: number): void;
    failed(kind: CallbackKind, reason: string): void;
    dead(kind: CallbackKind): void;
  };
}

export function createMetrics(deps: {
  store: Store;
  engine: Engine;
  now: () => number;
  pacing?: { snapshot(): PacingGroupSnapshot[] };
  recordings?: RecordingHealth;
  /** The agent groups this node dials now (a cluster's leases). */
  groupsHeld?: () => string[];
}): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'ccs_process_' });

  const httpRequests = new client.Counter({ name: 'ccs_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['method', 'route', 'status'] as const, registers: [registry] });
  const httpDuration = new client.Histogram({ name: 'ccs_http_request_seconds', help: 'HTTP request duration', labelNames: ['method', 'route'] as const, buckets: [0.005, 0.02, 0.1, 0.5, 2, 10], registers: [registry] });

  const deliveries = new client.Counter({ name: 'ccs_callback_deliveries_total', help: 'CRM callback delivery attempts by result', labelNames: ['kind', 'result'] as const, registers: [registry] });
  const deliveryLatency = new client.Histogram({ name: 'ccs_callback_delivery_latency_seconds', help: 'Time from a callback being written to its delivery', labelNames: ['kind'] as const, buckets: [0.05, 0.2, 1, 5, 30, 300, 3600, 86400], registers: [registry] });
  new client.Gauge({
    name: 'ccs_outbox_backlog',
    help: 'CRM callbacks by state',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      // While the database is down the last values stay: the scrape still answers (with the gauges below).
      const s = await deps.store.outboxStats().catch(() => null);
      if (!s) return;
      this.set({ state: 'pending' }, s.pending);
      this.set({ state: 'dead' }, s.dead);
    },
  });
  new client.Gauge({
    name: 'ccs_outbox_oldest_pending_age_seconds',
    help: 'Age of the oldest undelivered CRM callback (0 when none)',
    registers: [registry],
    async collect() {
      const s = await deps.store.outboxStats().catch(() => null);
      if (!s) return;
      this.set(s.oldestPendingAt === null ? 0 : Math.max(0, (deps.now() - s.oldestPendingAt) / 1000));
    },
  });

  const callsPlaced = new client.Counter({ name: 'ccs_calls_placed_total', help: 'Customer legs placed (dial rate)', registers: [registry] });
  const callsNotPlaced = new client.Counter({ name: 'ccs_calls_not_placed_total', help: 'Legs the telephony refused before reaching the carrier (attempt given back, nothing reported)', registers: [registry] });
  const callsEnded = new client.Counter({ name: 'ccs_calls_total', help: 'Ended attempts by reported status', labelNames: ['status'] as const, registers: [registry] });
  const answered = new client.Counter({ name: 'ccs_calls_answered_total', help: 'Customer legs answered (connected or abandoned)', registers: [registry] });
  const abandoned = new client.Counter({ name: 'ccs_calls_abandoned_total', help: 'Answered customers with no agent (drops)', registers: [registry] });
  new client.Gauge({
    name: 'ccs_abandon_rate',
    help: 'Abandoned / answered since start',
    registers: [registry],
    async collect() {
      const a = (await answered.get()).values[0]?.value ?? 0;
      const d = (await abandoned.get()).values[0]?.value ?? 0;
      this.set(a === 0 ? 0 : d / a);
    },
  });
  new client.Gauge({
    name: 'ccs_cluster_dialing_groups',
    help: 'Agent groups this node dials now, each under its lease (1 per group; a spare node shows none)',
    labelNames: ['group'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const group of deps.groupsHeld?.() ?? []) this.set({ group }, 1);
    },
  });
  new client.Gauge({
    name: 'ccs_store_writes_waiting',
    help: 'Call and campaign writes refused by the database and waiting to be retried (a database outage, a full disk)',
    registers: [registry],
    collect() {
      this.set(deps.engine.storeWrites().retrying);
    },
  });
  new client.Gauge({ name: 'ccs_live_calls', help: 'Calls in flight', registers: [registry], collect() { this.set(deps.engine.liveCalls().length); } });
  new client.Gauge({
    name: 'ccs_agents',
    help: 'Agents by state',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const counts: Record<string, number> = { ready: 0, reserved: 0, talking: 0, 'wrap-up': 0, paused: 0, offline: 0 };
      for (const a of deps.engine.agents()) {
        const state = a.shift.state;
        counts[state] = (counts[state] ?? 0) + 1;
      }
      for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
    },
  });

  if (deps.pacing) registerPacingGauges(registry, deps.pacing);
  const recordingHealth = deps.recordings;
  if (recordingHealth) {
    new client.Counter({
      name: 'ccs_recordings_lost_total',
      help: 'Recordings that could not be stored within the retry bound (their call was reported without link_down_record)',
      registers: [registry],
      collect() {
        this.reset();
        this.inc(recordingHealth.lostTotal);
      },
    });
    new client.Counter({
      name: 'ccs_recording_save_retries_total',
      help: 'Recording writes that failed and were tried again',
      registers: [registry],
      collect() {
        this.reset();
        this.inc(recordingHealth.retriesTotal);
      },
    });
  }

  deps.engine.events.on('call:placed', () => callsPlaced.inc());
  deps.engine.events.on('call:not-placed', () => callsNotPlaced.inc());
  deps.engine.events.on('call:ended', ({ status }) => {
    callsEnded.inc({ status });
    if (status === 'ANSWERED' || status === 'ABANDONED') answered.inc();
    if (status === 'ABANDONED') abandoned.inc();
  });

  return {
    registry,
    httpRequests,
    httpDuration,
    deliveryObserver: {
      delivered: (kind, latencyMs) => {
        deliveries.inc({ kind, result: 'delivered' });
        deliveryLatency.observe({ kind }, latencyMs / 1000);
      },
      failed: (kind) => deliveries.inc({ kind, result: 'failed' }),
      dead: (kind) => deliveries.inc({ kind, result: 'dead' }),
    },
  };
}

/** Live dial level, measured abandon rates and the prediction inputs of pacing. */
function registerPacingGauges(registry: client.Registry, pacing: { snapshot(): PacingGroupSnapshot[] }): void {
  new client.Gauge({
    name: 'ccs_pacing_dial_level',
    help: 'Calls in flight per agent in service after the last pacing pass',
    labelNames: ['group', 'mode'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const g of pacing.snapshot()) this.set({ group: g.group, mode: g.mode }, g.dialLevel);
    },
  });
  new client.Gauge({
    name: 'ccs_pacing_abandon_rate',
    help: 'Abandoned / answered per campaign, since start and over the rolling hour',
    labelNames: ['campaign', 'window'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const g of pacing.snapshot()) {
        for (const c of g.campaigns) {
          this.set({ campaign: String(c.campaignId), window: 'campaign' }, c.sinceStart.rate);
          this.set({ campaign: String(c.campaignId), window: 'rolling' }, c.window.rate);
        }
      }
    },
  });
  new client.Gauge({
    name: 'ccs_pacing_input',
    help: 'Inputs and controls of predictive pacing per agent group',
    labelNames: ['group', 'input'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const g of pacing.snapshot()) {
        const values: Record<string, number | null> = {
          answer_probability: g.inputs.answerProbability,
          seconds_to_answer: g.inputs.meanSecondsToAnswer,
          talk_seconds: g.inputs.meanTalkSeconds,
          wrap_up_seconds: g.inputs.meanWrapUpSeconds,
          agents_expected_free: g.inputs.agentsExpectedFree,
          answers_expected: g.inputs.answersExpected,
          expected_abandons: g.inputs.expectedAbandons,
          risk_limit: g.riskLimit,
          calibration: g.calibration,
        };
        for (const [input, value] of Object.entries(values)) if (value !== null) this.set({ group: g.group, input }, value);
      }
    },
  });
}
