/**
 * /openapi.json cannot leave a route out: it is generated from the routes the app registers,
 * and this test lists the registered routes from Fastify's own router (independently of the
 * generator) and fails when any of them is missing from the document. The only routes left
 * out are the web UI's (pages, assets, /ui/*), by the one listed rule. Real answers of the
 * read routes match the response schemas the document shows.
 */
import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterSchemas, complianceSchemas, forecastSchemas, operatorSchemas, pacingSchemas, serviceSchemas } from '../../src/http/api-schemas.ts';
import { isBrowserOnly, openApiPath } from '../../src/http/openapi.ts';
import { campaignBody } from '../support/campaigns.ts';
import { waitFor } from '../support/crm-receiver.ts';
import { startService, type RunningService } from '../support/service-harness.ts';

/** Every (method, path) in Fastify's router, read from its printed radix tree. */
function registeredRoutes(app: FastifyInstance): { method: string; url: string }[] {
  const routes: { method: string; url: string }[] = [];
  const labels: string[] = [];
  for (const line of app.printRoutes().split('\n')) {
    const start = line.search(/[^│├└─\s]/);
    if (start < 0) continue;
    const [, label, methods] = /^(.*?)(?: \(([A-Z, ]+)\))?$/.exec(line.slice(start))!;
    labels.length = start / 4 - 1;
    labels.push(label!);
    for (const method of methods ? methods.split(', ') : []) routes.push({ method, url: labels.join('') });
  }
  return routes;
}

describe('OpenAPI document', () => {
  let svc: RunningService;
  let doc: any;
  beforeAll(async () => {
    svc = await startService('sqlite', { CCS_SIM_AGENTS: '2' });
    doc = (await svc.request('GET', '/openapi.json')).json;
  });
  afterAll(async () => svc?.stop());

  it('documents every registered route except the web UI’s own', () => {
    const registered = registeredRoutes(svc.service.app).filter((r) => r.method !== 'HEAD');
    expect(registered.length).toBeGreaterThan(40);
    const missing = registered.filter((r) => !isBrowserOnly(r.url) && !doc.paths[openApiPath(r.url)]?.[r.method.toLowerCase()]).map((r) => `${r.method} ${r.url}`);
    expect(missing).toEqual([]);
    const excluded = registered.filter((r) => isBrowserOnly(r.url));
    expect(excluded.length).toBeGreaterThan(0);
    expect(excluded.filter((r) => /^\/(api|ops|recordings|healthz|readyz|metrics|openapi\.json|docs)\b/.test(r.url))).toEqual([]);
  });

  it('documents nothing that is not registered', () => {
    const registered = new Set(registeredRoutes(svc.service.app).map((r) => `${r.method.toLowerCase()} ${openApiPath(r.url)}`));
    const documented = Object.entries(doc.paths as Record<string, object>).flatMap(([path, item]) => Object.keys(item).map((method) => `${method} ${path}`));
    expect(documented.filter((d) => !registered.has(d))).toEqual([]);
  });

  it('includes the pacing, do-not-call, compliance and audit routes', () => {
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/ops/pacing', '/ops/campaigns/{id}/pacing', '/ops/dnc', '/ops/dnc/{number}', '/ops/dnc/import', '/ops/dnc/export', '/ops/compliance', '/ops/audit/attempts.csv', '/recordings/{path}']),
    );
    expect(Object.keys(doc.paths['/ops/dnc/{number}'])).toEqual(expect.arrayContaining(['get', 'delete']));
    expect(doc.paths['/ops/audit/attempts.csv'].get.responses['200'].content).toHaveProperty('text/csv');
  });

  it('gives every operation a summary, its path parameters and its responses', () => {
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const [method, op] of Object.entries(item)) {
        const where = `${method} ${path}`;
        expect(op.summary, where).toEqual(expect.any(String));
        expect(Object.keys(op.responses).length, where).toBeGreaterThan(0);
        const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
        const declared = (op.parameters ?? []).filter((p: any) => p.in === 'path').map((p: any) => p.name).sort();
        expect(declared, where).toEqual(inPath);
        if (path.startsWith('/ops/')) expect(op.responses['401'], where).toBeDefined();
      }
    }
  });

  it('shows response schemas that the real answers satisfy', async () => {
    expect((await svc.request('POST', '/api/sendCampaign', { body: campaignBody(41, { contacts: 3 }) })).json).toEqual({ campaignid: 41, status: 1 });
    await waitFor(async () => (await svc.request('GET', '/ops/campaigns/41/attempts')).json.attempts.length > 0);
    const checks: [string, TSchema][] = [
      ['/ops/campaigns', operatorSchemas.campaigns.response[200]],
      ['/ops/campaigns/41', operatorSchemas.campaign.response[200]],
      ['/ops/campaigns/41/contacts', operatorSchemas.contacts.response[200]],
      ['/ops/campaigns/41/attempts', operatorSchemas.attempts.response[200]],
      ['/ops/campaigns/41/forecast', forecastSchemas.forecast.response[200]],
      ['/ops/campaigns/41/forecast?agents=3', forecastSchemas.forecast.response[200]],
      ['/ops/calls/live', operatorSchemas.liveCalls.response[200]],
      ['/ops/agents', operatorSchemas.agents.response[200]],
      ['/ops/outbox', operatorSchemas.outbox.response[200]],
      ['/ops/outbox/stats', operatorSchemas.outboxStats.response[200]],
      ['/ops/pacing', pacingSchemas.all.response[200]],
      ['/ops/compliance', complianceSchemas.status.response[200]],
      ['/ops/dnc', complianceSchemas.count.response[200]],
      ['/ops/cluster', clusterSchemas.cluster.response[200]],
      ['/healthz', serviceSchemas.healthz.response[200]],
    ];
    for (const [path, schema] of checks) {
      const answer = await svc.request('GET', path);
      expect(answer.status, path).toBe(200);
      expect([...Value.Errors(schema, answer.json)].map((e) => `${e.path}: ${e.message}`), path).toEqual([]);
    }
  });
});
