/**
 * /openapi.json, generated from the routes themselves: an onRoute hook records every route the
 * app registers, and each route's own `schema` (TypeBox, see api-schemas.ts: summary, tags,
 * params, querystring, body, responses) becomes its operation. A route without a schema is not
 * documented, and the test that compares the registered routes with this document fails.
 *
 * Left out on purpose, by one listed rule (`isBrowserOnly`): the web UI's pages and assets and
 * its private /ui/* API (session cookie and CSRF token, shaped for the UI and changing with it).
 * HEAD routes are the automatic companions of GET routes.
 */
import type { FastifyInstance, RouteOptions } from 'fastify';
import { FinishCampaign, SendCampaign, UpdateCampaign, Ack, ErrorReply } from './api-schemas.ts';

export interface RegisteredRoute {
  method: string;
  /** Fastify's path, e.g. /ops/campaigns/:id */
  url: string;
  schema: Record<string, unknown> | undefined;
}

/** Records every route registered on `app` from now on (call before registering any). */
export function recordRoutes(app: FastifyInstance): readonly RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  app.addHook('onRoute', (options: RouteOptions) => {
    for (const method of [options.method].flat()) routes.push({ method, url: options.url, schema: options.schema as Record<string, unknown> | undefined });
  });
  return routes;
}

const BROWSER_PAGES = new Set(['/', '/login', '/agent', '/agent/*', '/supervisor', '/supervisor/*', '/assets/*', '/favicon.svg', '/wallboard']);

/** The web UI's own routes: pages, assets and the /ui/* API behind the session cookie. */
export function isBrowserOnly(url: string): boolean {
  return url.startsWith('/ui/') || BROWSER_PAGES.has(url);
}

/** Fastify's `/a/:id/*` as OpenAPI's `/a/{id}/{path}`. */
export function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\*$/, '{path}');
}

/** A plain JSON copy (TypeBox marks schemas with symbols, which JSON drops). */
const plain = (value: unknown): any => JSON.parse(JSON.stringify(value));

function parameters(schema: any, where: 'path' | 'query'): unknown[] {
  if (!schema?.properties) return [];
  const required: string[] = schema.required ?? [];
  return Object.entries(schema.properties as Record<string, any>).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name: name === '*' ? 'path' : name,
      in: where,
      required: where === 'path' || required.includes(name),
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

/** A body or response schema: `{content: {type: {schema}}}` as given, anything else is JSON. */
function content(schema: any): { description?: string; content?: Record<string, unknown> } {
  if (schema.content) return { description: schema.description, content: schema.content };
  if (Object.keys(schema).every((k) => k === 'description')) return { description: schema.description };
  const { description, ...rest } = schema;
  return { description, content: { 'application/json': { schema: rest } } };
}

function operation(route: RegisteredRoute): Record<string, unknown> {
  const s = plain(route.schema) as Record<string, any>;
  const params = [...parameters(s.params, 'path'), ...parameters(s.querystring, 'query')];
  const responses = Object.fromEntries(
    Object.entries((s.response ?? {}) as Record<string, any>).map(([status, r]) => {
      const { description, content: body } = content(r);
      return [status, { description: description ?? 'OK', ...(body ? { content: body } : {}) }];
    }),
  );
  return {
    summary: s.summary,
    ...(s.description ? { description: s.description } : {}),
    ...(s.tags ? { tags: s.tags } : {}),
    ...(s.security ? { security: s.security } : {}),
    ...(params.length ? { parameters: params } : {}),
    ...(s.body ? { requestBody: { required: true, content: content(s.body).content } } : {}),
    responses,
  };
}

const json = (schema: unknown) => ({ content: { 'application/json': { schema } } });

export function openApiDocument(publicUrl: string, routes: readonly RegisteredRoute[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    if (route.method === 'HEAD' || isBrowserOnly(route.url) || typeof route.schema?.summary !== 'string') continue;
    (paths[openApiPath(route.url)] ??= {})[route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'CCS — Call Center Service',
      version: '1.0.0',
      description:
        'Outbound calling campaigns for a CRM. The /api endpoints are the fixed CRM contract; results come back to the CRM as the updateCampaign and finishCampaign callbacks described under `webhooks`. Operator endpoints live under /ops. Times are local wall-clock times in the service zone (CCS_TIMEZONE), formatted YYYY-mm-dd HH:MM:SS.',
    },
    servers: [{ url: publicUrl }],
    components: {
      schemas: plain({ SendCampaign, Ack, ErrorReply, UpdateCampaign, FinishCampaign }),
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'Only when CCS_API_KEY is set' },
        operatorToken: { type: 'http', scheme: 'bearer', description: 'CCS_OPERATOR_TOKEN (or a signed-in supervisor session); without a token, only command-line clients on the same machine may call /ops' },
      },
    },
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    webhooks: {
      updateCampaign: { post: { summary: 'POST <CRM>/api/updateCampaign after every attempt; header Idempotency-Key = callid', requestBody: json({ $ref: '#/components/schemas/UpdateCampaign' }), responses: { 200: { description: 'Any 2xx = delivered' } } } },
      finishCampaign: { post: { summary: 'POST <CRM>/api/finishCampaign once per campaign, after all its updates; Idempotency-Key = finish-<campaignid>', requestBody: json({ $ref: '#/components/schemas/FinishCampaign' }), responses: { 200: { description: 'Any 2xx = delivered' } } } },
    },
  };
}
