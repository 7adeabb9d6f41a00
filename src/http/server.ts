/**
 * The HTTP interface: Fastify with the contract routes, the operator API, recordings, health,
 * metrics and docs. Framework errors (bad JSON, wrong content type, body too large, wrong
 * method) are answered in the contract's shape on contract paths, never with a 5xx or the
 * framework's default body.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from '../ports/logger.ts';
import { contractEndpointOf, registerContractRoutes, type ContractRouteDeps } from './contract-routes.ts';
import { requestProblems, requestedCampaignId } from './contract-reply.ts';
import { isStoreUnavailable } from '../ports/store.ts';
import { docsPage } from './docs-page.ts';
import { documented, serviceSchemas } from './api-schemas.ts';
import { openApiDocument, recordRoutes } from './openapi.ts';
import { registerOperatorRoutes, type OperatorRouteDeps } from './operator-routes.ts';
import { registerRecordingRoutes, type RecordingRouteDeps } from './recording-routes.ts';
import type { Metrics } from '../observability/metrics.ts';
import { redactUrl } from '../observability/redact-url.ts';

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, { ok: boolean; reason?: string }>;
}

export interface HttpDeps {
  logger: Logger;
  bodyLimitBytes: number;
  publicUrl: string;
  contract: ContractRouteDeps;
  operator: OperatorRouteDeps;
  recordings: RecordingRouteDeps;
  metrics: Metrics;
  readiness(): Promise<ReadinessReport>;
  /** Further routes (web UI, desktop API) registered by their own modules. */
  extensions?: ((app: FastifyInstance) => void | Promise<void>)[];
}

class BadJsonError extends Error {
  readonly code = 'CCS_BAD_JSON';
}

const routeOf = (request: FastifyRequest) => request.routeOptions.url ?? 'unmatched';

export async function buildHttpServer(deps: HttpDeps): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    // Requests and errors are logged by the hooks below, through the service's own logger.
    logger: false,
    bodyLimit: deps.bodyLimitBytes,
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true },
    // A path the router cannot take apart (bad %-encoding, a parameter over 100 characters):
    // on a contract path the contract's 400, as for any other malformed campaign id.
    frameworkErrors: (error, request, genericReply) => {
      const reply = genericReply as unknown as FastifyReply;
      if (contractEndpointOf(request.url.split('?')[0]!)) return reply.code(400).send(requestProblems.badCampaignId());
      const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
      return reply.code(status).send({ error: { code: error.code, message: error.message } });
    },
  });

  // Every route from here on is recorded; /openapi.json is generated from their schemas.
  const routes = recordRoutes(app);

  // Plain JSON.parse: faster than the default parser on 64 MB campaign bodies, and its
  // failure is answered in the contract's terms.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch (error) {
      done(new BadJsonError(`malformed JSON: ${(error as Error).message}`), undefined);
    }
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = routeOf(request);
    deps.metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    deps.metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    if (route !== '/metrics' && route !== '/healthz' && route !== '/readyz') {
      deps.logger.info({ method: request.method, url: request.url.split('?')[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'http request');
    }
  });

  app.setErrorHandler(async (error: Error & { code?: string; statusCode?: number }, request, reply) => {
    const onContract = contractEndpointOf(request.url.split('?')[0]!) !== null;
    if (error.code === 'CCS_BAD_JSON') return reply.code(400).send(requestProblems.badContentType('Dữ liệu không phải JSON hợp lệ.'));
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.code(400).send(requestProblems.tooLarge(deps.bodyLimitBytes));
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || error.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') {
      return reply.code(400).send(requestProblems.badContentType('Content-Type phải là application/json.'));
    }
    // The database is down or cannot write: 503, nothing stored, the caller may try again.
    if (isStoreUnavailable(error)) {
      deps.logger.warn({ err: error.message, url: request.url.split('?')[0] }, 'request refused: the database is unavailable');
      reply.header('Retry-After', '5');
      if (onContract) return reply.code(503).send(requestProblems.storeUnavailable(requestedCampaignId(request)));
      return reply.code(503).send({ error: { code: 'store-unavailable', message: 'The database is temporarily unavailable; try again later.' } });
    }
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) deps.logger.error({ err: error.stack ?? String(error), url: redactUrl(request.url) }, 'request failed');
    if (onContract) return reply.code(status === 500 ? 500 : 400).send(status === 500 ? requestProblems.internal() : requestProblems.badContentType(error.message));
    return reply.code(status).send({ error: { code: error.code ?? 'error', message: status === 500 ? 'Internal error.' : error.message } });
  });

  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?')[0]!;
    const endpoint = contractEndpointOf(path);
    if (endpoint) return reply.code(400).send(endpoint.expected === request.method ? requestProblems.unknownPath() : requestProblems.wrongMethod(endpoint.expected));
    if (path.startsWith('/api/')) return reply.code(404).send(requestProblems.unknownPath());
    return reply.code(404).send({ error: { code: 'not-found', message: `No route ${request.method} ${path}` } });
  });

  registerContractRoutes(app, deps.contract);
  registerOperatorRoutes(app, deps.operator);
  registerRecordingRoutes(app, deps.recordings);

  app.get('/healthz', documented(serviceSchemas.healthz), async () => ({ status: 'ok' }));
  app.get('/readyz', documented(serviceSchemas.readyz), async (_request, reply) => {
    const report = await deps.readiness();
    return reply.code(report.ready ? 200 : 503).send(report);
  });
  app.get('/metrics', documented(serviceSchemas.metrics), async (_request, reply) => {
    reply.header('Content-Type', deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
  // Built at the first request, when every route (extensions too) is registered.
  let doc: ReturnType<typeof openApiDocument> | null = null;
  app.get('/openapi.json', documented(serviceSchemas.openapi), async () => (doc ??= openApiDocument(deps.publicUrl, routes)));
  app.get('/docs', documented(serviceSchemas.docs), async (_request, reply) => reply.type('text/html; charset=utf-8').send(docsPage()));

  for (const extend of deps.extensions ?? []) await extend(app);
  return app;
}
