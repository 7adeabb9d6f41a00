/**
 * Dashboard data the operator API does not already serve (supervisors and admins only):
 * calls per minute by status over the last hour, and which agents sit at a desktop.
 */
import type { FastifyInstance } from 'fastify';
import type { CallRateSeries } from '../web/call-rate-series.ts';
import type { SessionAuth } from './session-auth.ts';

export function registerSupervisorRoutes(app: FastifyInstance, deps: { auth: SessionAuth; rates: CallRateSeries; deskAgents(): string[] }): void {
  const guard = deps.auth.require(['supervisor', 'admin']);
  app.get('/ui/supervisor/call-rates', { preHandler: guard }, async (_request, reply) => {
    reply.header('Cache-Control', 'no-store');
    return { minutes: deps.rates.series() };
  });
  app.get('/ui/supervisor/desk-agents', { preHandler: guard }, async () => ({ agentCodes: deps.deskAgents() }));
}
