/**
 * The compliance operator API (/ops/dnc…, /ops/audit…, /ops/compliance): the do-not-call
 * list (add, remove, look up, bulk import as CSV or JSON, export as CSV), the auditor's CSV
 * of a campaign's attempts, and the compliance state of profiles and campaigns. Guarded like
 * the rest of the operator API, before any body is read.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { AUDIT_HEADER, auditRow } from '../compliance/audit-csv.ts';
import { campaignGateAt } from '../compliance/campaign-checks.ts';
import { blockedCampaigns, profileCompliance, type ComplianceStatusDeps } from '../compliance/compliance-status.ts';
import { DNC_EXPORT_HEADER, dncExportRow, parseDncCsv, parseDncJson } from '../compliance/dnc-csv.ts';
import { formatContractDatetime, parseContractDatetime } from '../domain/local-time.ts';
import { manualAuditRow } from '../compliance/manual-audit-csv.ts';
import type { ManualCallLog } from '../ports/manual-calls.ts';
import { profileForType } from '../domain/profile.ts';
import type { Clock } from '../ports/clock.ts';
import type { DncEntry, DncStore } from '../ports/dnc-store.ts';
import type { Store } from '../ports/store.ts';
import { documented, complianceSchemas } from './api-schemas.ts';
import { operatorGuard, type OperatorAuthDeps } from './operator-auth.ts';

export interface ComplianceRouteDeps {
  auth: OperatorAuthDeps;
  dnc: DncStore;
  /** Calls agents dialled by hand: `?manual=true` lists them in the audit CSV. */
  manualCalls?: ManualCallLog;
  store: Store;
  clock: Clock;
  timeZone: string;
  status: ComplianceStatusDeps;
  /** Largest do-not-call import body; default 256 MiB (a million numbers is about 20 MB). */
  importLimitBytes?: number;
}

const MAX_SOURCE = 200;
const PAGE = 5000;
const badRequest = (message: string) => ({ error: { code: 'bad-request', message } });
const notListed = { error: { code: 'not-found', message: 'This number is not on the do-not-call list.' } };

const sourceOf = (raw: unknown, fallback: string) => (typeof raw === 'string' && raw.trim() ? raw.trim().slice(0, MAX_SOURCE) : fallback);

export function registerComplianceRoutes(app: FastifyInstance, deps: ComplianceRouteDeps): void {
  const { dnc, store, clock, timeZone } = deps;
  const importLimit = deps.importLimitBytes ?? 256 * 1024 * 1024;
  const entryView = (e: DncEntry) => ({ number: e.number, key: e.key, source: e.source, addedAt: formatContractDatetime(e.addedAt, timeZone) });

  app.register(async (scope) => {
    scope.addHook('onRequest', operatorGuard(deps.auth));
    scope.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string', bodyLimit: importLimit }, (_request, body, done) => done(null, body));

    scope.get('/ops/dnc', documented(complianceSchemas.count), async () => ({ count: await dnc.count() }));

    scope.post('/ops/dnc', documented(complianceSchemas.add), async (request, reply) => {
      const body = request.body as { number?: unknown; source?: unknown } | null;
      if (typeof body?.number !== 'string') return reply.code(400).send(badRequest('Send {"number": "...", "source": "..."}.'));
      const source = sourceOf(body.source, 'operator');
      if (!(await dnc.add(body.number, source, clock.now()))) return reply.code(400).send(badRequest('Not a dialable number: 3–20 digits, optional leading +.'));
      request.log.info({ number: body.number, source }, 'number added to the do-not-call list');
      return reply.code(201).send(entryView((await dnc.get(body.number))!));
    });

    scope.get('/ops/dnc/export', documented(complianceSchemas.export), async (_request, reply) => {
      async function* lines() {
        yield DNC_EXPORT_HEADER;
        for await (const e of dnc.exportAll()) yield dncExportRow(e, timeZone);
      }
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="dnc.csv"')
        .send(Readable.from(lines()));
    });

    scope.post('/ops/dnc/import', { bodyLimit: importLimit, ...documented(complianceSchemas.import) }, async (request, reply) => {
      const source = sourceOf((request.query as Record<string, unknown>).source, 'import');
      const lines = typeof request.body === 'string' ? parseDncCsv(request.body, source) : parseDncJson(request.body, source);
      if (lines === null) return reply.code(400).send(badRequest('Send text/csv (number[,source] per line) or a JSON array of numbers or {number, source}.'));
      const result = await dnc.importMany(lines, clock.now());
      request.log.info({ ...result, source }, 'do-not-call list imported');
      return { ...result, listed: await dnc.count() };
    });

    scope.get('/ops/dnc/:number', documented(complianceSchemas.get), async (request, reply) => {
      const entry = await dnc.get((request.params as { number: string }).number);
      return entry ? entryView(entry) : reply.code(404).send(notListed);
    });

    scope.delete('/ops/dnc/:number', documented(complianceSchemas.remove), async (request, reply) => {
      const number = (request.params as { number: string }).number;
      if (!(await dnc.remove(number))) return reply.code(404).send(notListed);
      request.log.info({ number }, 'number removed from the do-not-call list');
      return { removed: number };
    });

    scope.get('/ops/audit/attempts.csv', documented(complianceSchemas.audit), async (request, reply) => {
      const query = request.query as Record<string, string | undefined>;
      if (query.manual !== undefined) return manualCallsCsv(query, reply);
      const id = Number(query.campaignId);
      if (!Number.isSafeInteger(id) || id <= 0) return reply.code(400).send(badRequest('campaignId (a positive integer) is required.'));
      if (!(await store.getCampaign(id))) return reply.code(404).send({ error: { code: 'not-found', message: 'No such campaign.' } });
      async function* rows() {
        yield AUDIT_HEADER;
        for (let offset = 0; ; offset += PAGE) {
          const page = await store.listAttempts({ campaignId: id, limit: PAGE, offset });
          for (const a of page) yield auditRow(a, timeZone);
          if (page.length < PAGE) return;
        }
      }
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="audit-campaign-${id}.csv"`)
        .send(Readable.from(rows()));
    });

    /** Manual calls (placed and refused) started in [from, to), local contract datetimes; default the last 31 days. */
    async function manualCallsCsv(query: Record<string, string | undefined>, reply: FastifyReply) {
      const log = deps.manualCalls;
      if (query.manual !== 'true' && query.manual !== '1') return reply.code(400).send(badRequest('manual must be true.'));
      const now = clock.now();
      const from = query.from === undefined ? now - 31 * 86_400_000 : parseContractDatetime(query.from, timeZone);
      const to = query.to === undefined ? now + 1000 : parseContractDatetime(query.to, timeZone);
      if (from === null || to === null) return reply.code(400).send(badRequest('from and to are local times, YYYY-mm-dd HH:MM:SS.'));
      async function* rows() {
        yield AUDIT_HEADER;
        if (!log) return;
        for (let offset = 0; ; offset += PAGE) {
          const page = await log.list({ from: from!, to: to!, limit: PAGE, offset });
          for (const m of page) yield manualAuditRow(m, timeZone);
          if (page.length < PAGE) return;
        }
      }
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="audit-manual-calls.csv"')
        .send(Readable.from(rows()));
    }

    scope.get('/ops/compliance', documented(complianceSchemas.status), async () => {
      const now = clock.now();
      const { profiles } = deps.status;
      const active = await store.listCampaigns({ states: ['scheduled', 'running'], limit: 1000 });
      return {
        ruleSets: [...deps.status.ruleSets.values()].map((r) => ({
          name: r.name,
          summary: r.summary,
          hours: r.hours,
          timeZone: r.timeZone ?? timeZone,
          caps: r.caps.map((c) => ({ window: c.label, max: c.max })),
          checkDnc: r.checkDnc,
          requireBrandCallerId: r.requireBrandCallerId,
          sources: r.sources,
        })),
        profiles: profileCompliance(deps.status),
        blockedCampaigns: await blockedCampaigns(deps.status),
        campaigns: active.map((c) => {
          const profile = profileForType(profiles.list, c.typeId, profiles.fallback);
          const gate = campaignGateAt(c, profile, now, deps.status.ruleSets, timeZone);
          return {
            campaignid: c.id,
            state: c.state,
            profile: profile.name,
            ruleSet: profile.ruleSet,
            dialing: c.state === 'running' && gate === null,
            waitReason: gate?.reason ?? null,
            waitUntil: gate?.closedUntil ? formatContractDatetime(gate.closedUntil, timeZone) : null,
          };
        }),
        dnc: { listed: await dnc.count() },
      };
    });
  });
}
