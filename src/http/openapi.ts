/**
 * The OpenAPI 3 description of the CRM contract and the operator API, served at /openapi.json
 * and rendered at /docs. Schemas are written with TypeBox so they stay JSON Schema.
 */
import { Type } from '@sinclair/typebox';
import { ContractMessage } from '../domain/messages.ts';

const Datetime = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$', description: 'Local wall-clock time in the CCS zone (default Asia/Ho_Chi_Minh), %Y-%m-%d %H:%M:%S', examples: ['2018-07-10 00:24:00'] });
const Id = Type.Union([Type.Integer({ minimum: 1 }), Type.String({ pattern: '^\\d+$' })], { description: 'Integer; a numeric string such as "12" is accepted' });

const Contact = Type.Object(
  {
    id: Id,
    phonenumber: Type.String({ description: 'Digits with optional leading +, 3–20 digits once spaces, dots and dashes are removed', examples: ['0987654321'] }),
    linkedit: Type.Optional(Type.String({ description: "URL of the contact's page in the CRM" })),
  },
  { additionalProperties: true },
);

const SendCampaign = Type.Object(
  {
    campaignid: Id,
    starttime: Datetime,
    endtime: Datetime,
    typeid: Type.Optional(Type.Integer({ description: 'Selects a campaign profile; absent or unknown → default profile' })),
    contact: Type.Array(Contact, { minItems: 1 }),
  },
  { additionalProperties: true },
);

const Ack = Type.Object({ campaignid: Type.Integer(), status: Type.Literal(1) });
const FieldError = Type.Object({ field: Type.String(), code: Type.String(), message: Type.String() });
const ErrorReply = Type.Object({
  campaignid: Type.Union([Type.Integer(), Type.Null()]),
  status: Type.Literal(0),
  error_msg: Type.String({ examples: Object.values(ContractMessage) }),
  errors: Type.Array(FieldError),
});

const UpdateCampaign = Type.Object({
  campaignid: Type.Integer(),
  contact_id: Type.Integer(),
  phonenumber: Type.String(),
  agentcode: Type.Union([Type.String(), Type.Null()]),
  station_id: Type.Union([Type.String(), Type.Null()]),
  starttime: Datetime,
  answertime: Type.Union([Datetime, Type.Null()]),
  endtime: Datetime,
  duration: Type.Integer(),
  ringtime: Type.Integer(),
  link_down_record: Type.Union([Type.String(), Type.Null()]),
  status: Type.Union(['ANSWERED', 'NO ANSWER', 'BUSY', 'FAILED', 'CONGESTION', 'ABANDONED', 'DNC'].map((s) => Type.Literal(s))),
  callid: Type.String(),
});
const FinishCampaign = Type.Object({
  campaignid: Type.Integer(),
  status: Type.Union([Type.Literal('completed'), Type.Literal('expired'), Type.Literal('closed')]),
  contact_total: Type.Integer(),
  contact_success: Type.Integer(),
});

const json = (schema: unknown) => ({ content: { 'application/json': { schema } } });
const op = (summary: string, extra: Record<string, unknown> = {}) => ({ summary, security: [{ operatorToken: [] }], responses: { 200: { description: 'OK' }, 401: { description: 'Operator credentials required' } }, ...extra });

export function openApiDocument(publicUrl: string) {
  return {
    openapi: '3.0.3',
    info: {
      title: 'CCS — Call Center Service',
      version: '1.0.0',
      description:
        'Outbound calling campaigns for a CRM. The /api endpoints are the fixed CRM contract; results come back to the CRM as the updateCampaign and finishCampaign callbacks described under `webhooks`. Operator endpoints live under /ops.',
    },
    servers: [{ url: publicUrl }],
    components: {
      schemas: { SendCampaign, Ack, ErrorReply, UpdateCampaign, FinishCampaign },
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'Only when CCS_API_KEY is set' },
        operatorToken: { type: 'http', scheme: 'bearer', description: 'CCS_OPERATOR_TOKEN; without one, only local command-line clients may call /ops' },
      },
    },
    paths: {
      '/api/sendCampaign': {
        post: {
          summary: 'Send a calling campaign (acknowledges receipt, not the result)',
          requestBody: { required: true, ...json({ $ref: '#/components/schemas/SendCampaign' }) },
          responses: {
            200: { description: 'Accepted (also for an identical re-send)', ...json({ $ref: '#/components/schemas/Ack' }) },
            400: { description: 'Rejected; nothing was stored', ...json({ $ref: '#/components/schemas/ErrorReply' }) },
          },
        },
      },
      '/api/closeCampaign/{campaignid}': {
        get: {
          summary: 'Close a campaign before its endtime: no new calls, ringing legs hung up, connected calls finish',
          parameters: [{ name: 'campaignid', in: 'path', required: true, schema: { type: 'integer' } }],
          responses: {
            200: { description: 'Closed (also when already closed or finished)', ...json({ $ref: '#/components/schemas/Ack' }) },
            400: { description: 'Unknown or invalid id', ...json({ $ref: '#/components/schemas/ErrorReply' }) },
          },
        },
      },
      '/healthz': { get: { summary: 'Liveness', responses: { 200: { description: 'The process is up' } } } },
      '/readyz': { get: { summary: 'Readiness: database, telephony and configuration checks', responses: { 200: { description: 'Ready' }, 503: { description: 'Not ready; the body says why' } } } },
      '/metrics': { get: { summary: 'Prometheus metrics', responses: { 200: { description: 'text/plain exposition' } } } },
      '/recordings/{key}': {
        get: {
          summary: 'Download a recording through a signed link (Range supported)',
          parameters: [
            { name: 'key', in: 'path', required: true, schema: { type: 'string' } },
            { name: 'exp', in: 'query', required: true, schema: { type: 'integer' } },
            { name: 'sig', in: 'query', required: true, schema: { type: 'string' } },
          ],
          responses: { 200: { description: 'audio/wav' }, 206: { description: 'Partial content' }, 403: { description: 'Tampered link' }, 410: { description: 'Expired link' } },
        },
      },
      '/ops/campaigns': { get: op('Campaigns with counts (query: state, limit, offset)') },
      '/ops/campaigns/{id}': { get: op('One campaign with counts and live calls') },
      '/ops/campaigns/{id}/contacts': { get: op('Contacts of a campaign (query: state, limit, offset)') },
      '/ops/campaigns/{id}/attempts': { get: op('Attempts of a campaign (query: contactId, limit, offset)') },
      '/ops/campaigns/{id}/close': { post: op('Close a campaign (same semantics as the contract)') },
      '/ops/calls/live': { get: op('Calls in flight') },
      '/ops/agents': { get: op('Agents and their state') },
      '/ops/outbox': { get: op('CRM callbacks (query: state=pending|delivered|dead, campaignId, limit, offset)') },
      '/ops/outbox/stats': { get: op('Outbox backlog, dead letters, oldest pending') },
      '/ops/outbox/{id}/replay': { post: op('Replay one dead callback') },
      '/ops/outbox/replay-dead': { post: op('Replay every dead callback') },
    },
    webhooks: {
      updateCampaign: { post: { summary: 'POST <CRM>/api/updateCampaign after every attempt; header Idempotency-Key = callid', requestBody: json({ $ref: '#/components/schemas/UpdateCampaign' }), responses: { 200: { description: 'Any 2xx = delivered' } } } },
      finishCampaign: { post: { summary: 'POST <CRM>/api/finishCampaign once per campaign, after all its updates; Idempotency-Key = finish-<campaignid>', requestBody: json({ $ref: '#/components/schemas/FinishCampaign' }), responses: { 200: { description: 'Any 2xx = delivered' } } } },
    },
  };
}
