/**
 * GET /ops/campaigns/{id}/forecast[?agents=N]: when the campaign is expected to finish, how many
 * contacts it will have reached and its abandon rate, from a run of the engine in virtual time
 * (src/application/campaign-forecast.ts); `agents` asks "what if N agents were on shift".
 * Guarded like the rest of the operator API.
 */
import type { FastifyInstance } from 'fastify';
import type { CampaignForecaster, Forecast } from '../application/campaign-forecast.ts';
import { formatContractDatetime } from '../domain/local-time.ts';
import { documented, forecastSchemas } from './api-schemas.ts';
import { operatorGuard, type OperatorAuthDeps } from './operator-auth.ts';

export interface ForecastRouteDeps {
  auth: OperatorAuthDeps;
  forecaster: CampaignForecaster;
  timeZone: string;
}

/** The what-if head count: a whole number of agents, 1 to this. */
export const MAX_WHAT_IF_AGENTS = 500;

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

export function forecastView(f: Forecast, timeZone: string) {
  const time = (ms: number | null) => (ms === null ? null : formatContractDatetime(ms, timeZone));
  const m = f.measures;
  return {
    campaignid: f.campaignId,
    at: time(f.at),
    state: f.state,
    agents: f.agents,
    agentsFrom: f.agentsFrom,
    finishAt: time(f.finishAt),
    endtime: time(f.endsAt),
    leftAtEnd: round(f.leftAtEnd, 4),
    contactTotal: f.contactTotal,
    contactsRemaining: f.contactsRemaining,
    contactsReachedSoFar: f.contactsReachedSoFar,
    contactsReached: f.contactsReached,
    abandonRate: round(f.abandonRate, 4),
    lowConfidence: m.lowConfidence,
    complete: f.complete,
    assumptions: {
      calls: m.calls,
      answerRate: round(m.answerRate, 4),
      busyRate: round(m.busyRate, 4),
      ringSeconds: { min: round(m.ringSeconds.min, 1), max: round(m.ringSeconds.max, 1) },
      talkMeanSeconds: round(m.talkSeconds.mean, 1),
      wrapUpSeconds: round(f.wrapUpSeconds, 1),
    },
    simulatedCalls: f.simulatedCalls,
    computeMs: f.computeMs,
  };
}

export function registerForecastRoutes(app: FastifyInstance, deps: ForecastRouteDeps): void {
  app.register(async (scope) => {
    scope.addHook('onRequest', operatorGuard(deps.auth));
    scope.get('/ops/campaigns/:id/forecast', documented(forecastSchemas.forecast), async (request, reply) => {
      const id = Number((request.params as { id: string }).id);
      if (!Number.isSafeInteger(id) || id <= 0) return reply.code(404).send({ error: { code: 'not-found', message: 'No such campaign.' } });
      const raw = (request.query as Record<string, string | undefined>).agents;
      let agents: number | undefined;
      if (raw !== undefined && raw !== '') {
        agents = Number(raw);
        if (!/^\d+$/.test(raw) || !Number.isSafeInteger(agents) || agents < 1 || agents > MAX_WHAT_IF_AGENTS) {
          return reply.code(400).send({ error: { code: 'bad-request', message: `agents must be a whole number from 1 to ${MAX_WHAT_IF_AGENTS}` } });
        }
      }
      const answer = await deps.forecaster.forecast(id, agents === undefined ? {} : { agents });
      if (!answer.ok) return reply.code(answer.code === 'not-found' ? 404 : 422).send({ error: { code: answer.code, message: answer.message } });
      return forecastView(answer.forecast, deps.timeZone);
    });
  });
}
