/**
 * Historical reports in the operator API: /ops/reports (JSON), /ops/reports.csv and
 * /ops/reports.xlsx, with the same query (from, to, by, campaign, agent) and the same figures.
 * Guarded like the rest of the operator API (token, local command line, or a supervisor's session).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { reportCsv, reportFileName, reportXlsx } from '../application/report-files.ts';
import { parseReportQuery, runReport, type Report } from '../application/reports.ts';
import type { Clock } from '../ports/clock.ts';
import type { ReportStore } from '../ports/report-store.ts';
import { documented, reportSchemas } from './api-schemas.ts';
import { operatorGuard, type OperatorAuthDeps } from './operator-auth.ts';

export interface ReportRouteDeps {
  auth: OperatorAuthDeps;
  reports: ReportStore;
  clock: Clock;
  timeZone: string;
}

export function registerReportRoutes(app: FastifyInstance, deps: ReportRouteDeps): void {
  const report = async (request: FastifyRequest, reply: FastifyReply): Promise<Report | null> => {
    const parsed = parseReportQuery(request.query as Record<string, unknown>, deps.clock.now(), deps.timeZone);
    if ('error' in parsed) {
      await reply.code(400).send({ error: { code: 'bad-request', message: parsed.error } });
      return null;
    }
    return runReport(deps.reports, parsed.query, deps.timeZone);
  };

  app.register(async (scope) => {
    scope.addHook('onRequest', operatorGuard(deps.auth));

    scope.get('/ops/reports', documented(reportSchemas.json), async (request, reply) => {
      const r = await report(request, reply);
      return r ?? reply;
    });

    scope.get('/ops/reports.csv', documented(reportSchemas.csv), async (request, reply) => {
      const r = await report(request, reply);
      if (!r) return reply;
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${reportFileName(r, 'csv')}"`)
        .send(reportCsv(r));
    });

    scope.get('/ops/reports.xlsx', documented(reportSchemas.xlsx), async (request, reply) => {
      const r = await report(request, reply);
      if (!r) return reply;
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="${reportFileName(r, 'xlsx')}"`)
        .send(await reportXlsx(r));
    });
  });
}
