/**
 * The supervisors' pacing read API: /ops/pacing lists every paced group with its campaigns,
 * /ops/campaigns/:id/pacing one campaign with its group; both behind the operator guard.
 */
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { PacingGroupSnapshot } from '../../src/engine/pacing/pacing-snapshot.ts';
import { registerPacingRoutes } from '../../src/http/pacing-routes.ts';

const group: PacingGroupSnapshot = {
  group: 'sales',
  mode: 'predictive',
  state: 'predicting',
  at: 1_767_578_400_000,
  dialLevel: 1.8,
  callsPlacedLastPass: 2,
  riskLimit: 0.03,
  marginalRisk: 0.028,
  calibration: 0.9,
  inputs: {
    resolvedCalls: 1200,
    answerProbability: 0.35,
    meanSecondsToAnswer: 9.6,
    meanTalkSeconds: 61,
    meanWrapUpSeconds: 10,
    agentsFreeNow: 0,
    customersWaiting: 0,
    agentsExpectedFree: 4.2,
    answersExpected: 3.9,
    expectedAbandons: 0.05,
    horizonSeconds: 17.3,
  },
  adaptive: null,
  campaigns: [{ campaignId: 12, group: 'sales', abandonTarget: 0.03, sinceStart: { answered: 400, abandoned: 8, rate: 0.02 }, window: { answered: 300, abandoned: 6, rate: 0.02, minutes: 60 } }],
};

const adaptiveGroup: PacingGroupSnapshot = {
  ...group,
  group: 'care',
  mode: 'vicidial-adaptive',
  state: null,
  at: 1_767_578_430_000,
  adaptive: { level: 2.5, at: 1_767_578_415_000, differential: 0.4, activeAgents: 5, dropRate: 0.01, forcedDown: false },
  campaigns: [],
};

/** What the routes serve for `group`: the same figures, instants as local contract times. */
const served = { ...group, at: '2026-01-05 09:00:00' };

let app: ReturnType<typeof Fastify> | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(token: string | null) {
  app = Fastify();
  registerPacingRoutes(app, { pacing: { snapshot: () => [group, adaptiveGroup] }, auth: { token }, timeZone: 'Asia/Ho_Chi_Minh' });
  await app.ready();
  return app;
}

describe('pacing routes', () => {
  it('lists the paced groups with dial level, prediction inputs and measured abandon rates, times in local contract format', async () => {
    const a = await start('secret');
    const response = await a.inject({ method: 'GET', url: '/ops/pacing', headers: { authorization: 'Bearer secret' } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      groups: [served, { ...adaptiveGroup, at: '2026-01-05 09:00:30', adaptive: { ...adaptiveGroup.adaptive, at: '2026-01-05 09:00:15' } }],
    });
  });

  it('shows one campaign with its group, and 404 for a campaign not being paced', async () => {
    const a = await start('secret');
    const ok = await a.inject({ method: 'GET', url: '/ops/campaigns/12/pacing', headers: { authorization: 'Bearer secret' } });
    expect(ok.statusCode).toBe(200);
    const { campaigns, ...rest } = served;
    expect(ok.json()).toEqual({ campaign: campaigns[0], group: rest });
    const missing = await a.inject({ method: 'GET', url: '/ops/campaigns/13/pacing', headers: { authorization: 'Bearer secret' } });
    expect(missing.statusCode).toBe(404);
  });

  it('refuses callers without operator credentials', async () => {
    const a = await start('secret');
    expect((await a.inject({ method: 'GET', url: '/ops/pacing' })).statusCode).toBe(401);
    expect((await a.inject({ method: 'GET', url: '/ops/pacing', headers: { authorization: 'Bearer wrong' } })).statusCode).toBe(401);
  });
});
