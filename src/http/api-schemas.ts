/**
 * The schemas of the HTTP routes, in TypeBox (plain JSON Schema), given to each route as its
 * Fastify `schema`: /openapi.json is generated from them (see openapi.ts). They describe; the
 * handlers validate (in each API's own error shape), so request schemas are not compiled into
 * validators and response schemas do not filter what a handler sends (`documented`).
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { ContractMessage } from '../domain/messages.ts';

/**
 * Route options for a schema that documents its route: compiled to no validator (the handler
 * validates) and no serializer (the handler's answer is sent whole), in whatever app the route
 * is registered.
 */
export function documented<S extends object>(schema: S) {
  return { schema, validatorCompiler: () => () => true, serializerCompiler: () => (data: unknown) => JSON.stringify(data) };
}

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
/** A time as everywhere in the APIs: local wall-clock time in the service's zone (`CCS_TIMEZONE`). */
export const Datetime = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$',
  description: 'Local wall-clock time in the CCS zone (CCS_TIMEZONE, default Asia/Ho_Chi_Minh), %Y-%m-%d %H:%M:%S',
  examples: ['2018-07-10 00:24:00'],
});
const Id = Type.Union([Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }), Type.String({ pattern: '^\\d+$' })], {
  description: 'Integer up to 2^53-1; a numeric string such as "12" is accepted',
});
const Count = Type.Integer({ minimum: 0 });

// ---- The CRM contract (spec section 1) and its callbacks ----

const Contact = Type.Object(
  {
    id: Id,
    phonenumber: Type.String({
      description: 'Digits with optional leading +, 3–20 digits once ASCII spaces, dots and dashes are removed (no tabs, line breaks or other spaces)',
      examples: ['0987654321'],
    }),
    linkedit: Type.Optional(Type.String({ description: "URL of the contact's page in the CRM; no control characters" })),
  },
  { additionalProperties: true, description: 'Extra fields are kept as sent, up to 32 levels of nesting' },
);

export const SendCampaign = Type.Object(
  {
    campaignid: Id,
    starttime: Datetime,
    endtime: Datetime,
    typeid: Type.Optional(Type.Integer({ minimum: -2147483648, maximum: 2147483647, description: 'Selects a campaign profile; absent or unknown → default profile' })),
    contact: Type.Array(Contact, { minItems: 1 }),
  },
  { additionalProperties: true },
);

export const Ack = Type.Object({ campaignid: Type.Integer(), status: Type.Literal(1) });
const FieldError = Type.Object({ field: Type.String(), code: Type.String(), message: Type.String() });
export const ErrorReply = Type.Object(
  {
    campaignid: Nullable(Type.Integer()),
    status: Type.Literal(0),
    error_msg: Type.String({ examples: Object.values(ContractMessage) }),
    errors: Type.Array(FieldError),
  },
);

export const UpdateCampaign = Type.Object(
  {
    campaignid: Type.Integer(),
    contact_id: Type.Integer(),
    phonenumber: Type.String(),
    agentcode: Nullable(Type.String()),
    station_id: Nullable(Type.String()),
    starttime: Datetime,
    answertime: Nullable(Datetime),
    endtime: Datetime,
    duration: Type.Integer(),
    ringtime: Type.Integer(),
    link_down_record: Nullable(Type.String()),
    status: Type.Union(['ANSWERED', 'NO ANSWER', 'BUSY', 'FAILED', 'CONGESTION', 'ABANDONED', 'DNC'].map((s) => Type.Literal(s))),
    callid: Type.String(),
  },
);
export const FinishCampaign = Type.Object(
  {
    campaignid: Type.Integer(),
    status: Type.Union([Type.Literal('completed'), Type.Literal('expired'), Type.Literal('closed')]),
    contact_total: Type.Integer(),
    contact_success: Type.Integer(),
  },
);

const contractSecurity = [{}, { apiKey: [] }];
/** A schema with the description of the response it is used for. */
const described = <T extends TSchema>(schema: T, description: string): T => ({ ...schema, description });

export const contractSchemas = {
  send: {
    summary: 'Send a calling campaign (acknowledges receipt, not the result)',
    tags: ['CRM contract'],
    security: contractSecurity,
    body: SendCampaign,
    response: {
      200: described(Ack, 'Accepted (also for an identical re-send)'),
      400: described(ErrorReply, 'Rejected; nothing was stored'),
      503: described(ErrorReply, 'The database is unavailable or cannot write; nothing was stored, send again later (Retry-After)'),
    },
  },
  close: {
    summary: 'Close a campaign before its endtime: no new calls, ringing legs hung up, connected calls finish',
    tags: ['CRM contract'],
    security: contractSecurity,
    params: Type.Object({ id: Type.String({ description: 'The campaignid' }) }),
    response: {
      200: described(Ack, 'Closed (also when already closed or finished)'),
      400: described(ErrorReply, 'Unknown or invalid id'),
      503: described(ErrorReply, 'The database is unavailable or cannot write; nothing changed, send again later (Retry-After)'),
    },
  },
};

// ---- The operator API (/ops) ----

const OpsError = Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String() }) });
const opsError = (description: string) => described(OpsError, description);
const opsSecurity = [{ operatorToken: [] }];
const unauthorized = opsError('Operator credentials required');

/** An /ops route: guarded by the operator credentials, answering 401 without them. */
function ops<R extends Record<number, unknown>>(summary: string, tags: string[], parts: { params?: TSchema; querystring?: TSchema; body?: unknown; response: R; description?: string }) {
  return { summary, tags, security: opsSecurity, ...parts, response: { ...parts.response, 401: unauthorized } };
}

const CampaignIdParams = Type.Object({ id: Type.String({ description: 'Campaign id (a positive integer); anything else answers 404' }) });
const Paging = (max: number) => ({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: max, default: 100, description: `At most ${max}` })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
});

const Counts = Type.Object({
  contactTotal: Count,
  contactsFinal: Count,
  contactsPending: Count,
  contactsDialing: Count,
  contactsAnswered: Count,
  contactsDnc: Count,
  attempts: Count,
  attemptsByStatus: Type.Record(Type.String(), Count, { description: 'Attempts per reported status (ANSWERED, NO ANSWER, …)' }),
});

const DialModeSchema = Type.Union(['progressive', 'power', 'predictive', 'preview'].map((m) => Type.Literal(m)));
/** A supervisor's pause and pacing override of a campaign; null fields use the profile's value. */
const CampaignControlView = Type.Object(
  {
    paused: Type.Boolean(),
    dialMode: Nullable(DialModeSchema),
    powerRatio: Nullable(Type.Number()),
    abandonTarget: Nullable(Type.Number()),
    updatedAt: Datetime,
    updatedBy: Type.String(),
    profileDefaults: Type.Object({ dialMode: DialModeSchema, powerRatio: Type.Number(), abandonTarget: Type.Number() }),
  },
  { description: "A supervisor's pause and pacing override; null fields use the profile's value (profileDefaults). `profile` shows the values in effect." },
);

const CampaignView = Type.Object({
  campaignid: Type.Integer(),
  typeid: Nullable(Type.Integer()),
  state: Type.Union(['scheduled', 'running', 'stopping', 'finished'].map((s) => Type.Literal(s))),
  finishStatus: Nullable(Type.Union(['completed', 'expired', 'closed'].map((s) => Type.Literal(s)))),
  starttime: Datetime,
  endtime: Datetime,
  receivedAt: Datetime,
  startedAt: Nullable(Datetime),
  stoppedAt: Nullable(Datetime),
  finishedAt: Nullable(Datetime),
  profile: Type.Object({ name: Type.String(), dialMode: Type.String(), agentGroup: Type.String(), ruleSet: Type.String() }),
  control: Type.Optional(Nullable(CampaignControlView)),
  counts: Counts,
  abandonRate: Type.Number({ description: 'abandoned / (answered + abandoned)' }),
  liveCalls: Count,
  extra: Nullable(Type.Record(Type.String(), Type.Unknown(), { description: 'Fields of the campaign beyond the contract, kept as sent' })),
});

const LiveCallView = Type.Object({
  callid: Type.String(),
  campaignid: Type.Integer(),
  contactId: Type.Integer(),
  attemptNo: Type.Integer(),
  phonenumber: Type.String(),
  state: Type.String({ description: 'dialing, ringing, answered, waiting-for-agent, connected' }),
  agentcode: Nullable(Type.String()),
  startedAt: Datetime,
  answeredAt: Nullable(Datetime),
  connectedAt: Nullable(Datetime),
  seconds: Count,
});

const ContactView = Type.Object({
  contactId: Type.Integer(),
  phonenumber: Type.String(),
  linkedit: Nullable(Type.String()),
  state: Type.Union(['pending', 'dialing', 'final'].map((s) => Type.Literal(s))),
  outcome: Nullable(Type.String()),
  attempts: Count,
  nextAttemptAt: Nullable(Datetime),
  lastStatus: Nullable(Type.String()),
  waitReason: Nullable(Type.String()),
  extra: Nullable(Type.Record(Type.String(), Type.Unknown())),
});

const AttemptView = Type.Object({
  callid: Type.String(),
  contactId: Type.Integer(),
  attemptNo: Type.Integer(),
  number: Type.String(),
  state: Type.String({ description: 'dialing, ringing, answered, connected, ended, unplaced' }),
  status: Nullable(Type.String({ description: 'The status reported to the CRM' })),
  agentcode: Nullable(Type.String()),
  station_id: Nullable(Type.String()),
  starttime: Datetime,
  answertime: Nullable(Datetime),
  connectedAt: Nullable(Datetime),
  endtime: Nullable(Datetime),
  duration: Nullable(Type.Integer()),
  cause: Nullable(Type.String()),
  recording: Nullable(Type.String({ description: 'Signed link to the recording; null once the retention job deleted it' })),
  /** When the retention job deleted the recording. */
  recordingDeletedAt: Nullable(Datetime),
  note: Nullable(Type.String()),
  disposition: Nullable(Type.String({ description: "The agent's wrap-up disposition code" })),
  dispositionBy: Nullable(Type.String()),
  dispositionAt: Nullable(Datetime),
  audit: Nullable(Type.Record(Type.String(), Type.Unknown())),
});

const AgentView = Type.Object({
  agentcode: Type.String(),
  station_id: Type.String(),
  group: Type.String(),
  state: Type.String({ description: 'offline, paused, ready, or the call activity' }),
  pauseReason: Nullable(Type.String()),
  since: Nullable(Datetime),
  secondsInState: Count,
  callid: Nullable(Type.String()),
  callsTaken: Count,
  preview: Nullable(
    Type.Object({ campaignid: Type.Integer(), contactId: Type.Integer() }, { description: 'The contact a preview campaign offers the agent before any call (state reserved)' }),
  ),
});

const CallbackView = Type.Object({
  id: Type.Integer(),
  campaignid: Type.Integer(),
  kind: Type.Union([Type.Literal('update'), Type.Literal('finish')]),
  idempotencyKey: Type.String(),
  state: Type.Union(['pending', 'delivered', 'dead'].map((s) => Type.Literal(s))),
  attempts: Count,
  createdAt: Datetime,
  nextAttemptAt: Nullable(Datetime),
  deliveredAt: Nullable(Datetime),
  lastError: Nullable(Type.String()),
  payload: Type.Unknown({ description: 'The updateCampaign or finishCampaign body' }),
});

export const operatorSchemas = {
  campaigns: ops('Campaigns with counts', ['Operations'], {
    querystring: Type.Object({ state: Type.Optional(Type.String({ description: 'Comma-separated: scheduled, running, stopping, finished' })), ...Paging(500) }),
    response: { 200: Type.Object({ campaigns: Type.Array(CampaignView) }), 400: opsError('Unknown state') },
  }),
  campaign: ops('One campaign with counts and live calls', ['Operations'], {
    params: CampaignIdParams,
    response: { 200: Type.Composite([CampaignView, Type.Object({ calls: Type.Array(LiveCallView) })]), 404: opsError('No such campaign') },
  }),
  contacts: ops('Contacts of a campaign', ['Operations'], {
    params: CampaignIdParams,
    querystring: Type.Object({ state: Type.Optional(Type.Union(['pending', 'dialing', 'final'].map((s) => Type.Literal(s)))), ...Paging(5000) }),
    response: { 200: Type.Object({ contacts: Type.Array(ContactView) }), 400: opsError('Unknown state'), 404: opsError('No such campaign') },
  }),
  attempts: ops('Call attempts of a campaign', ['Operations'], {
    params: CampaignIdParams,
    querystring: Type.Object({ contactId: Type.Optional(Type.Integer({ description: "Only this contact's attempts" })), ...Paging(5000) }),
    response: { 200: Type.Object({ attempts: Type.Array(AttemptView) }), 404: opsError('No such campaign') },
  }),
  close: ops('Close a campaign (same semantics as the contract)', ['Operations'], {
    params: CampaignIdParams,
    response: { 200: Type.Object({ campaignid: Type.Integer(), result: Type.String({ description: 'closed, or already-closed / already-finished' }) }), 404: opsError('No such campaign') },
  }),
  liveCalls: ops('Calls in flight', ['Operations'], { response: { 200: Type.Object({ calls: Type.Array(LiveCallView) }) } }),
  agents: ops('Agents and their state', ['Operations'], { response: { 200: Type.Object({ agents: Type.Array(AgentView) }) } }),
  outbox: ops('Callbacks to the CRM', ['Operations'], {
    querystring: Type.Object({
      state: Type.Optional(Type.Union(['pending', 'delivered', 'dead'].map((s) => Type.Literal(s)))),
      campaignId: Type.Optional(Type.Integer()),
      ...Paging(1000),
    }),
    response: { 200: Type.Object({ callbacks: Type.Array(CallbackView) }), 400: opsError('Unknown state') },
  }),
  outboxStats: ops('Outbox backlog, dead letters, oldest pending callback', ['Operations'], {
    response: {
      200: Type.Object({
        pending: Count,
        dead: Count,
        delivered: Count,
        oldestPendingAt: Nullable(Datetime),
        oldestPendingAgeSeconds: Nullable(Count),
      }),
    },
  }),
  replay: ops('Replay one dead callback (a finish brings its dead updates with it)', ['Operations'], {
    params: Type.Object({ id: Type.String({ description: 'Callback id, from /ops/outbox' }) }),
    response: { 200: Type.Object({ id: Type.Integer(), state: Type.Literal('pending') }), 404: opsError('No dead callback with this id') },
  }),
  replayDead: ops('Replay every dead callback', ['Operations'], { response: { 200: Type.Object({ replayed: Count }) } }),
};

// ---- Campaign control (/ops/campaigns/{id}/pause|resume|pacing, /ops/agents/{code}/group) ----

const ControlAudit = Type.Object({
  id: Type.Integer(),
  at: Datetime,
  actor: Type.String(),
  targetKind: Type.Union([Type.Literal('campaign'), Type.Literal('agent')]),
  targetId: Type.String(),
  action: Type.String({ description: 'pause, resume, pacing, group' }),
  before: Type.Record(Type.String(), Type.Unknown()),
  after: Type.Record(Type.String(), Type.Unknown()),
});
const ControlReply = Type.Object({ campaignid: Type.Integer(), changed: Type.Boolean({ description: 'false: it was so already' }), control: CampaignControlView });
const ControlErrors = { 400: opsError('A value out of range (nothing changed)'), 404: opsError('No such campaign'), 409: opsError('The campaign is stopping or finished: nothing to control') };

export const controlSchemas = {
  pause: ops('Pause a campaign: no new call for it; calls in progress (ringing legs included) end normally; its endtime still applies', ['Campaign control'], {
    params: CampaignIdParams,
    response: { 200: ControlReply, ...ControlErrors },
  }),
  resume: ops('Resume a paused campaign', ['Campaign control'], { params: CampaignIdParams, response: { 200: ControlReply, ...ControlErrors } }),
  pacing: ops("Override a running campaign's pacing (null: back to the profile's value; fields left out keep theirs)", ['Campaign control'], {
    params: CampaignIdParams,
    body: Type.Object({
      dialMode: Type.Optional(Nullable(DialModeSchema)),
      powerRatio: Type.Optional(Nullable(Type.Number({ minimum: 1, maximum: 10 }))),
      abandonTarget: Type.Optional(Nullable(Type.Number({ minimum: 0, maximum: 0.5, description: 'A fraction of answered calls' }))),
    }),
    response: { 200: ControlReply, ...ControlErrors },
  }),
  audit: ops('Changes made to a campaign by supervisors, newest first', ['Campaign control'], {
    params: CampaignIdParams,
    response: { 200: Type.Object({ audit: Type.Array(ControlAudit) }), 404: opsError('No such campaign') },
  }),
  agentGroup: ops('Move an agent to another group (kept across restarts); a call in progress stays with its group', ['Campaign control'], {
    params: Type.Object({ code: Type.String({ description: 'Agent code' }) }),
    body: Type.Object({ group: Type.String({ description: 'A group some profile dials for or some agent is in' }) }),
    response: { 200: Type.Object({ agentcode: Type.String(), group: Type.String(), changed: Type.Boolean() }), 400: opsError('Unknown group'), 404: opsError('No such agent') },
  }),
  groups: ops('Agent groups an agent can be moved to', ['Campaign control'], { response: { 200: Type.Object({ groups: Type.Array(Type.String()) }) } }),
  controlAudit: ops('Every campaign-control change, newest first', ['Campaign control'], {
    querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })) }),
    response: { 200: Type.Object({ audit: Type.Array(ControlAudit) }) },
  }),
};

// ---- Pacing (/ops/pacing) ----

const AbandonFigures = Type.Object({ answered: Count, abandoned: Count, rate: Type.Number() });
const PacingCampaign = Type.Object({
  campaignId: Type.Integer(),
  group: Type.String(),
  abandonTarget: Nullable(Type.Number()),
  sinceStart: AbandonFigures,
  window: Type.Composite([AbandonFigures, Type.Object({ minutes: Type.Number() })]),
});
const PacingGroup = Type.Object({
  group: Type.String({ description: 'Agent group' }),
  mode: Type.Union(['progressive', 'power', 'predictive', 'vicidial-adaptive'].map((s) => Type.Literal(s))),
  state: Nullable(Type.String({ description: 'Predictive pacing: learning, predicting, holding' })),
  at: Datetime,
  dialLevel: Type.Number({ description: 'Calls in flight per agent in service' }),
  callsPlacedLastPass: Count,
  riskLimit: Nullable(Type.Number()),
  marginalRisk: Nullable(Type.Number()),
  calibration: Nullable(Type.Number({ description: 'Measured over predicted abandons (1 = the model is right)' })),
  inputs: Type.Record(Type.String(), Nullable(Type.Number()), { description: 'The inputs of the prediction: answer probability, mean times, agents expected free, …' }),
  adaptive: Nullable(Type.Object({ level: Type.Number(), at: Datetime }, { description: 'The VICIdial-style adaptive level, when that pacing runs the group' })),
});

export const pacingSchemas = {
  all: ops('Pacing per agent group: mode, dial level, prediction inputs, abandon rates per campaign', ['Pacing'], {
    response: { 200: Type.Object({ groups: Type.Array(Type.Composite([PacingGroup, Type.Object({ campaigns: Type.Array(PacingCampaign) })])) }) },
  }),
  campaign: ops("One campaign's abandon rates with its group's pacing", ['Pacing'], {
    params: CampaignIdParams,
    response: { 200: Type.Object({ campaign: PacingCampaign, group: PacingGroup }), 404: opsError('Not being paced, or unknown') },
  }),
};

// ---- Compliance (/ops/dnc, /ops/audit, /ops/compliance) ----

const DncEntryView = Type.Object({ number: Type.String(), key: Type.String({ description: 'The subscriber key the list is indexed by' }), source: Type.String(), addedAt: Datetime });
const NumberParams = Type.Object({ number: Type.String({ description: 'A phone number, in any of the accepted spellings' }) });
const csv = (description: string) => ({ description, content: { 'text/csv': { schema: Type.String() } } });

export const complianceSchemas = {
  count: ops('How many numbers are on the do-not-call list', ['Compliance'], { response: { 200: Type.Object({ count: Count }) } }),
  add: ops('Add a number to the do-not-call list', ['Compliance'], {
    body: Type.Object({ number: Type.String(), source: Type.Optional(Type.String({ maxLength: 200, description: 'Default "operator"' })) }),
    response: { 201: DncEntryView, 400: opsError('Not a dialable number') },
  }),
  export: ops('The do-not-call list as CSV', ['Compliance'], { response: { 200: csv('number,key,source,added_at, one entry per line') } }),
  import: ops('Import numbers to the do-not-call list: text/csv (number[,source] per line) or a JSON array of numbers or {number, source}', ['Compliance'], {
    querystring: Type.Object({ source: Type.Optional(Type.String({ description: 'Source for lines that give none; default "import"' })) }),
    body: {
      content: {
        'text/csv': { schema: Type.String() },
        'application/json': { schema: Type.Array(Type.Union([Type.String(), Type.Object({ number: Type.String(), source: Type.Optional(Type.String()) })])) },
      },
    },
    response: { 200: Type.Object({ received: Count, stored: Count, invalid: Count, duplicates: Count, listed: Count }), 400: opsError('Unreadable body') },
  }),
  get: ops('Look a number up on the do-not-call list', ['Compliance'], { params: NumberParams, response: { 200: DncEntryView, 404: opsError('Not listed') } }),
  remove: ops('Remove a number from the do-not-call list', ['Compliance'], { params: NumberParams, response: { 200: Type.Object({ removed: Type.String() }), 404: opsError('Not listed') } }),
  audit: ops("The auditor's CSV of a campaign's call attempts, or (manual=true) of the calls agents dialled by hand", ['Compliance'], {
    querystring: Type.Object({
      campaignId: Type.Optional(Type.Integer({ minimum: 1, description: 'The campaign (required unless manual=true)' })),
      manual: Type.Optional(Type.Boolean({ description: 'Manual calls instead: placed and refused, with campaign and contact empty' })),
      from: Type.Optional(Type.String({ description: 'Manual calls started at or after this local time (YYYY-mm-dd HH:MM:SS); default 31 days ago' })),
      to: Type.Optional(Type.String({ description: 'Manual calls started before this local time; default now' })),
    }),
    response: { 200: csv('One row per attempt, with the compliance checks it passed'), 400: opsError('campaignId missing'), 404: opsError('No such campaign') },
  }),
  status: ops('Rule sets, profiles, and whether each active campaign may dial now (and why not)', ['Compliance'], {
    response: {
      200: Type.Object({
        ruleSets: Type.Array(Type.Object({ name: Type.String(), summary: Type.String(), timeZone: Type.String(), checkDnc: Type.Boolean() })),
        profiles: Type.Array(Type.Object({ name: Type.String(), ruleSet: Type.String(), problem: Nullable(Type.String()) })),
        blockedCampaigns: Type.Array(Type.Object({ campaignId: Type.Integer(), state: Type.String(), profile: Type.String(), reason: Type.String() })),
        campaigns: Type.Array(
          Type.Object({
            campaignid: Type.Integer(),
            state: Type.String(),
            profile: Type.String(),
            ruleSet: Type.String(),
            dialing: Type.Boolean(),
            waitReason: Nullable(Type.String()),
            waitUntil: Nullable(Datetime),
          }),
        ),
        dnc: Type.Object({ listed: Count }),
      }),
    },
  }),
};

// ---- Recordings, health, metrics, documentation ----

export const recordingSchema = {
  summary: 'Download a recording through a signed link (Range supported)',
  tags: ['Recordings'],
  params: Type.Object({ '*': Type.String({ description: "The recording's key, e.g. 2026/11/26/ccs-1-2-1.wav" }) }),
  querystring: Type.Object({ exp: Type.Integer({ description: 'Expiry, Unix seconds' }), sig: Type.String({ description: 'Signature of key and expiry' }) }),
  response: {
    200: { description: 'The recording', content: { 'audio/wav': { schema: Type.String({ format: 'binary' }) } } },
    206: { description: 'Partial content (Range)', content: { 'audio/wav': { schema: Type.String({ format: 'binary' }) } } },
    403: opsError('Tampered link'),
    404: opsError('Recording not found'),
    410: opsError('Expired link (code link-expired), or the recording was deleted under the retention policy (code recording-deleted)'),
    416: { description: 'Range not satisfiable' },
  },
};

export const serviceSchemas = {
  healthz: { summary: 'Liveness', tags: ['Health'], response: { 200: Type.Object({ status: Type.Literal('ok') }, { description: 'The process is up' }) } },
  readyz: {
    summary: 'Readiness: database, telephony and configuration checks',
    tags: ['Health'],
    response: {
      200: Type.Object({ ready: Type.Boolean(), checks: Type.Record(Type.String(), Type.Object({ ok: Type.Boolean(), reason: Type.Optional(Type.String()) })) }, { description: 'Ready' }),
      503: Type.Object({ ready: Type.Boolean(), checks: Type.Record(Type.String(), Type.Object({ ok: Type.Boolean(), reason: Type.Optional(Type.String()) })) }, { description: 'Not ready; the checks say why' }),
    },
  },
  metrics: { summary: 'Prometheus metrics', tags: ['Health'], response: { 200: { description: 'Prometheus text exposition', content: { 'text/plain': { schema: Type.String() } } } } },
  openapi: { summary: 'This OpenAPI document', tags: ['Documentation'], response: { 200: Type.Object({}, { additionalProperties: true, description: 'OpenAPI 3.1' }) } },
  docs: { summary: 'The API documentation for people (renders /openapi.json)', tags: ['Documentation'], response: { 200: { description: 'HTML page', content: { 'text/html': { schema: Type.String() } } } } },
};

// ---- Historical reports (/ops/reports) ----

const ReportQuery = Type.Object({
  from: Type.Optional(Type.String({ format: 'date', description: 'First local day (CCS_TIMEZONE), YYYY-mm-dd; default today' })),
  to: Type.Optional(Type.String({ format: 'date', description: 'Last local day, included; default today (or from, when later)' })),
  by: Type.Optional(Type.String({ description: 'Comma-separated grouping: campaign, agent, day or hour (not both); default campaign', examples: ['campaign,agent'] })),
  campaign: Type.Optional(Type.String({ description: 'Only these campaign ids, comma-separated' })),
  agent: Type.Optional(Type.String({ description: 'Only these agent codes, comma-separated' })),
});
const Ratio = Nullable(Type.Number({ minimum: 0, description: 'Four decimals; null when undefined (nothing to divide by)' }));
const ReportFiguresView = Type.Object({
  attempts: Count,
  reached: Type.Integer({ minimum: 0, description: 'Attempts bridged to an agent (ANSWERED): contacts reached' }),
  talkSeconds: Count,
  holdSeconds: Type.Integer({ minimum: 0, description: 'Not recorded yet: always 0' }),
  wrapUpSeconds: Type.Integer({ minimum: 0, description: "Agents' time in wrap-up after these calls" }),
  occupancy: Ratio,
  abandonRate: Ratio,
  dispositions: Type.Record(Type.String(), Count, { description: 'Attempts per disposition: ANSWERED, NO ANSWER, BUSY, FAILED, CONGESTION, ABANDONED' }),
  codes: Type.Record(Type.String(), Count, { description: "Attempts per wrap-up code the agents gave (the profile's codes; codes given to none are left out)" }),
});
const ReportRowView = Type.Composite([
  Type.Object({
    campaignId: Type.Optional(Type.Integer()),
    agentCode: Type.Optional(Nullable(Type.String({ description: 'null: attempts no agent took' }))),
    day: Type.Optional(Type.String({ description: 'Local date, YYYY-mm-dd' })),
    hour: Type.Optional(Type.String({ description: 'Local hour, YYYY-mm-dd HH:00' })),
  }),
  ReportFiguresView,
]);
const xlsx = (description: string) => ({
  description,
  content: { 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: Type.String({ format: 'binary' }) } },
});
const reportDescription = 'Measures are defined in docs/reports.md. Attempts count once ended, in the hour they started.';

export const reportSchemas = {
  json: ops('Historical report: attempts, contacts reached, talk, hold and wrap-up time, occupancy, abandon rate and dispositions', ['Reports'], {
    description: reportDescription,
    querystring: ReportQuery,
    response: {
      200: Type.Object({
        from: Type.String(),
        to: Type.String(),
        by: Type.Array(Type.Union(['campaign', 'agent', 'day', 'hour'].map((s) => Type.Literal(s)))),
        timeZone: Type.String(),
        rows: Type.Array(ReportRowView),
        total: ReportFiguresView,
      }),
      400: opsError('Bad date, grouping or filter'),
    },
  }),
  csv: ops('Historical report as CSV (same query and figures; the last line is the total)', ['Reports'], {
    description: reportDescription,
    querystring: ReportQuery,
    response: { 200: csv('One line per group, then the total'), 400: opsError('Bad date, grouping or filter') },
  }),
  xlsx: ops('Historical report as an XLSX workbook (same query and figures; the last row is the total)', ['Reports'], {
    description: reportDescription,
    querystring: ReportQuery,
    response: { 200: xlsx('One row per group, then the total'), 400: opsError('Bad date, grouping or filter') },
  }),
};

// ---- Recordings for supervisors (/ops/recordings…) ----

const RecordingView = Type.Object({
  callId: Type.String(),
  campaignid: Type.Integer(),
  contactid: Type.Integer(),
  attempt: Type.Integer(),
  number: Type.String({ description: 'The number dialled' }),
  agentCode: Nullable(Type.String()),
  status: Nullable(Type.String({ description: 'Call status reported to the CRM (ANSWERED, ABANDONED, …)' })),
  disposition: Nullable(Type.String({ description: "The agent's wrap-up disposition, when recorded" })),
  startedAt: Datetime,
  answeredAt: Nullable(Datetime),
  endedAt: Nullable(Datetime),
  talkSeconds: Nullable(Type.Integer()),
  deleted: Type.Boolean({ description: 'Deleted under the retention policy' }),
  deletedAt: Nullable(Datetime),
  heldCall: Type.Boolean({ description: 'A legal hold on this call keeps it from deletion' }),
  heldCampaign: Type.Boolean({ description: 'A legal hold on its campaign keeps it from deletion' }),
  audioUrl: Type.String({ description: 'Plays it (Range supported; audited as a listen)' }),
  downloadUrl: Type.String({ description: 'Downloads it (audited)' }),
});
const CallIdParams = Type.Object({ callId: Type.String({ description: 'The call id, e.g. ccs-12-3-1' }) });
const HoldBody = Type.Object({ held: Type.Boolean(), reason: Type.Optional(Type.String({ maxLength: 500 })) });
const audioContent = (description: string) => ({ description, content: { 'audio/wav': { schema: Type.String({ format: 'binary' }) } } });
const deletedRecording = opsError('The recording was deleted under the retention policy (code recording-deleted)');

export const recordingOpsSchemas = {
  search: ops('Search recordings by campaign, agent, number, date, status and disposition', ['Recordings'], {
    querystring: Type.Object({
      campaignId: Type.Optional(Type.Integer({ minimum: 1 })),
      agent: Type.Optional(Type.String({ description: 'Agent code' })),
      number: Type.Optional(Type.String({ description: 'Digits the dialled number contains' })),
      from: Type.Optional(Type.String({ description: 'Calls started at or after: YYYY-mm-dd or YYYY-mm-dd HH:MM:SS (local time)' })),
      to: Type.Optional(Type.String({ description: 'Calls started up to: YYYY-mm-dd (that whole day) or YYYY-mm-dd HH:MM:SS' })),
      status: Type.Optional(Type.String({ description: 'ANSWERED, NO ANSWER, BUSY, FAILED, CONGESTION or ABANDONED' })),
      disposition: Type.Optional(Type.String({ description: "The agent's wrap-up disposition code" })),
      includeDeleted: Type.Optional(Type.Boolean()),
      ...Paging(500),
    }),
    response: { 200: Type.Object({ recordings: Type.Array(RecordingView), dispositionFilter: Type.Boolean() }), 400: opsError('A filter is malformed') },
  }),
  get: ops('One recording', ['Recordings'], { params: CallIdParams, response: { 200: RecordingView, 404: opsError('No recording for this call') } }),
  audio: ops('Play a recording (Range supported); the first request of a playback is audited as a listen', ['Recordings'], {
    params: CallIdParams,
    response: { 200: audioContent('The recording'), 206: audioContent('Part of it (Range)'), 404: opsError('No recording for this call'), 410: deletedRecording, 416: { description: 'Range not satisfiable' } },
  }),
  download: ops('Download a recording (audited)', ['Recordings'], {
    params: CallIdParams,
    response: { 200: audioContent('The recording, as an attachment'), 206: audioContent('Part of it (Range)'), 404: opsError('No recording for this call'), 410: deletedRecording, 416: { description: 'Range not satisfiable' } },
  }),
  waveform: ops("A recording's waveform: peak levels (0–1) of equal slices, and its duration", ['Recordings'], {
    params: CallIdParams,
    querystring: Type.Object({ buckets: Type.Optional(Type.Integer({ minimum: 10, maximum: 4000, default: 400 })) }),
    response: {
      200: Type.Object({ durationSeconds: Nullable(Type.Number()), sampleRate: Nullable(Type.Integer()), peaks: Type.Array(Type.Number({ minimum: 0, maximum: 1 }), { description: 'Empty when the format is not PCM WAV' }) }),
      400: opsError('buckets out of range'),
      404: opsError('No recording for this call'),
      410: deletedRecording,
    },
  }),
  hold: ops('Set or lift the legal hold on one recording (audited); a held recording is never deleted', ['Recordings'], {
    params: CallIdParams,
    body: HoldBody,
    response: { 200: RecordingView, 400: opsError('Body malformed'), 404: opsError('No recording for this call') },
  }),
  campaignHold: ops("Set or lift the legal hold on all of a campaign's recordings (audited)", ['Recordings'], {
    params: CampaignIdParams,
    body: HoldBody,
    response: { 200: Type.Object({ campaignid: Type.Integer(), held: Type.Boolean() }), 400: opsError('Body malformed'), 404: opsError('Not a campaign id') },
  }),
  holds: ops('The legal holds in force', ['Recordings'], {
    response: { 200: Type.Object({ holds: Type.Array(Type.Object({ scope: Type.Union([Type.Literal('call'), Type.Literal('campaign')]), ref: Type.String(), setBy: Type.String(), setAt: Datetime, reason: Nullable(Type.String()) })) }) },
  }),
  audit: ops('The recordings audit trail, newest first: listens, downloads, deletions and hold changes', ['Recordings'], {
    querystring: Type.Object({ callId: Type.Optional(Type.String()), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })) }),
    response: {
      200: Type.Object({
        entries: Type.Array(
          Type.Object({
            id: Type.Integer(),
            at: Datetime,
            actor: Type.String({ description: 'User name, operator-token, local, retention, or "link <ip>" for a signed link' }),
            action: Type.Union(['listen', 'download', 'delete', 'hold', 'release'].map((a) => Type.Literal(a))),
            via: Type.String({ description: 'ui, ops, signed-link or retention' }),
            callId: Nullable(Type.String()),
            campaignId: Nullable(Type.Integer()),
            recordingKey: Nullable(Type.String()),
            detail: Nullable(Type.String()),
          }),
        ),
      }),
      400: opsError('limit out of range'),
    },
  }),
};

// ---- Campaign forecast (/ops/campaigns/{id}/forecast) ----

const Rate = Type.Number({ minimum: 0, maximum: 1 });
const ForecastView = Type.Object({
  campaignid: Type.Integer(),
  at: Datetime,
  state: Type.Union(['scheduled', 'running', 'stopping', 'finished'].map((s) => Type.Literal(s))),
  agents: Count,
  agentsFrom: Type.Union([Type.Literal('floor'), Type.Literal('what-if')], { description: 'floor: the agents of the campaign group on shift now; what-if: the agents asked for' }),
  finishAt: Nullable(Datetime),
  endtime: Datetime,
  leftAtEnd: Type.Number({ minimum: 0, maximum: 1, description: 'Share of contacts still open at the endtime when the campaign is not expected to finish before it (finishAt null)' }),
  contactTotal: Count,
  contactsRemaining: Count,
  contactsReachedSoFar: Count,
  contactsReached: Type.Integer({ minimum: 0, description: 'Contacts with an answered call at the end: so far plus expected' }),
  abandonRate: Type.Number({ minimum: 0, maximum: 1, description: 'Abandoned over answered, for the calls still to come' }),
  lowConfidence: Type.Boolean({ description: 'Too few calls so far: defaults stood in for what could not be measured' }),
  complete: Type.Boolean({ description: 'False when the work bound stopped the simulation before the end of the campaign' }),
  assumptions: Type.Object({
    calls: Count,
    answerRate: Rate,
    busyRate: Rate,
    ringSeconds: Type.Object({ min: Type.Number(), max: Type.Number() }),
    talkMeanSeconds: Type.Number(),
    wrapUpSeconds: Type.Number(),
  }),
  simulatedCalls: Count,
  computeMs: Count,
});

export const forecastSchemas = {
  forecast: ops('Campaign forecast: expected finish time, contacts reached and abandon rate, from a run of the engine in virtual time', ['Operations'], {
    params: CampaignIdParams,
    querystring: Type.Object({ agents: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, description: 'What if this many agents were on shift (default: the agents on shift now)' })) }),
    response: {
      200: ForecastView,
      400: opsError('agents is not a whole number from 1 to 500'),
      404: opsError('No such campaign'),
      422: opsError('Too many contacts left to simulate (code too-large)'),
    },
    description: 'See docs/web-ui.md (Forecast) for what it assumes and its limits. Answers are kept for 30 s per campaign and head count.',
  }),
};

// ---- Disposition codes per profile (/ops/profiles/{name}/dispositions) ----

const DispositionCodeSchema = Type.Object({
  code: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,39}$', description: 'Stored with the attempt; unique in the profile' }),
  label: Type.Object({ vi: Type.String({ minLength: 1, maxLength: 60 }), en: Type.String({ minLength: 1, maxLength: 60 }) }),
  effect: Type.Union(['final', 'retry', 'callback', 'dnc', 'wrong-number'].map((s) => Type.Literal(s))),
  success: Type.Optional(Type.Boolean({ description: 'A final code that counts as a success on the supervisor views', default: false })),
});
const DispositionSettingsSchema = Type.Object({
  required: Type.Boolean({ description: 'An agent must give a code before leaving wrap-up (the wrap-up limit still ends it)' }),
  codes: Type.Array(DispositionCodeSchema, { minItems: 1, maxItems: 9, description: 'In desk order: number keys 1–9 pick them' }),
});
const ProfileDispositions = Type.Object({
  profile: Type.String(),
  typeIds: Type.Array(Type.Integer()),
  source: Type.Union([Type.Literal('stored'), Type.Literal('config')], { description: 'stored: set by a supervisor, over the config file' }),
  updatedAt: Nullable(Datetime),
  updatedBy: Nullable(Type.String()),
  settings: DispositionSettingsSchema,
});
const ProfileNameParams = Type.Object({ name: Type.String({ description: 'Profile name (default for the default profile)' }) });

export const dispositionSettingsSchemas = {
  list: ops('Every profile with its disposition codes (stored by a supervisor, or from the config file)', ['Dispositions'], {
    response: { 200: Type.Object({ profiles: Type.Array(ProfileDispositions) }) },
  }),
  get: ops("One profile's disposition codes", ['Dispositions'], { params: ProfileNameParams, response: { 200: ProfileDispositions, 404: opsError('No such profile') } }),
  put: ops("Set a profile's disposition codes (over the config file's); new wrap-ups use them at once; audited", ['Dispositions'], {
    params: ProfileNameParams,
    body: DispositionSettingsSchema,
    response: { 200: ProfileDispositions, 400: opsError('Invalid codes (nothing changed)'), 404: opsError('No such profile') },
  }),
  remove: ops("Back to the config file's codes for a profile; audited", ['Dispositions'], {
    params: ProfileNameParams,
    response: { 200: ProfileDispositions, 404: opsError('No such profile') },
  }),
  audit: ops("Changes to a profile's codes, newest first (before/after null: the config file's codes)", ['Dispositions'], {
    params: ProfileNameParams,
    response: {
      200: Type.Object({
        audit: Type.Array(Type.Object({ id: Type.Integer(), at: Datetime, actor: Type.String(), before: Nullable(DispositionSettingsSchema), after: Nullable(DispositionSettingsSchema) })),
      }),
      404: opsError('No such profile'),
    },
  }),
};

// ---- Call monitoring (/ops/monitoring) ----

const MonitorModeSchema = Type.Union(['listen', 'whisper', 'barge'].map((m) => Type.Literal(m)), {
  description: 'listen: the supervisor hears both sides, silent; whisper: only the agent hears the supervisor; barge: everyone hears everyone',
});
const ActiveMonitoringView = Type.Object({
  id: Type.Integer({ description: 'The session, as in the audit' }),
  supervisor: Type.String(),
  callId: Type.String(),
  campaignId: Type.Integer({ description: '0: a manual call' }),
  agentCode: Type.String(),
  endpoint: Type.String({ description: "Where the supervisor's audio goes, e.g. PJSIP/sup1" }),
  state: Type.Union(['switching', 'listening', 'whispering', 'barging', 'ended'].map((s) => Type.Literal(s)), { description: 'switching: a mode is being set up (the phone stays up)' }),
  mode: Nullable(MonitorModeSchema),
  target: Nullable(MonitorModeSchema),
  since: Datetime,
  startedAt: Datetime,
});
const MonitoringRecordView = Type.Object({
  id: Type.Integer(),
  supervisor: Type.String(),
  callId: Type.String(),
  campaignId: Type.Integer({ description: '0: a manual call' }),
  agentCode: Type.String(),
  endpoint: Type.String({ description: "The supervisor's phone, e.g. PJSIP/sup1" }),
  startedAt: Datetime,
  endedAt: Nullable(Datetime),
  endReason: Nullable(Type.Union(['stopped', 'call-ended', 'supervisor-left', 'failed'].map((s) => Type.Literal(s)))),
  modes: Type.Array(Type.Object({ mode: MonitorModeSchema, from: Datetime, to: Nullable(Datetime) }), { description: 'Each mode with the times it was in force' }),
});
const MonitoringAnswer = Type.Object({ session: ActiveMonitoringView });
const MonitoringErrors = {
  400: opsError('No call id, or an unknown mode'),
  403: opsError("Monitoring is done from a signed-in supervisor's page"),
  409: opsError('The call is not connected (or ended), is monitored by another supervisor, the supervisor monitors another call, the mode is being changed or already in force, or no phone is set for the account'),
  502: opsError('The telephony refused'),
  503: opsError('The session could not be audited (nothing was started), or, in a cluster, the node serving the call did not answer (node-unreachable)'),
};

export const monitoringSchemas = {
  list: ops('Monitoring sessions (who, which call, campaign and agent, each mode from–to, the end), newest first, with the sessions in progress', ['Call monitoring'], {
    querystring: Type.Object({
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
      supervisor: Type.Optional(Type.String()),
      callId: Type.Optional(Type.String()),
    }),
    response: { 200: Type.Object({ sessions: Type.Array(MonitoringRecordView), active: Type.Array(ActiveMonitoringView) }) },
  }),
  mine: ops("The signed-in supervisor's monitoring session (null: none)", ['Call monitoring'], { response: { 200: Type.Object({ session: Nullable(ActiveMonitoringView) }), 403: MonitoringErrors[403], 503: opsError('In a cluster: a node that may hold the session did not answer (node-unreachable)') } }),
  start: ops("Listen to, whisper to or barge into a connected call with the supervisor's phone; on the call already monitored, switches the mode", ['Call monitoring'], {
    body: Type.Object({ callId: Type.String(), mode: MonitorModeSchema }),
    response: { 200: MonitoringAnswer, ...MonitoringErrors },
  }),
  mode: ops("Switch the monitoring session's mode without dropping the supervisor's phone", ['Call monitoring'], {
    body: Type.Object({ mode: MonitorModeSchema }),
    response: { 200: MonitoringAnswer, 404: opsError('No monitoring session'), ...MonitoringErrors },
  }),
  stop: ops('Stop monitoring: the supervisor leaves the call', ['Call monitoring'], {
    response: { 200: MonitoringAnswer, 403: MonitoringErrors[403], 404: opsError('No monitoring session'), 503: opsError('In a cluster: the node holding the session did not answer (node-unreachable)') },
  }),
};

// ---- Cluster (/ops/cluster) ----

const ClusterNodeView = Type.Object({
  id: Type.String({ description: 'The node\'s CCS_NODE_ID (default: host name and port)' }),
  dialing: Type.Boolean({ description: 'Whether it holds the lease of at least one agent group' }),
  groups: Type.Array(Type.String(), { description: 'The agent groups it dials, sorted' }),
  lastSeen: Datetime,
});

export const clusterSchemas = {
  cluster: ops('Cluster: every live node, whether it dials and which agent groups it holds', ['Operations'], {
    response: { 200: Type.Object({ nodes: Type.Array(ClusterNodeView) }) },
    description: 'One node alone (SQLite) lists itself with every group. See docs/deployment.md for leases and failover.',
  }),
};
