/**
 * A scripted Asterisk behind ARI, for behaviour the captures do not cover (the conformance
 * suite, agent failures, restarts). It keeps channels and bridges and answers the REST calls
 * the driver makes the way the captured Asterisk 22 did (status codes, bodies, events before
 * the create response). Customers behave like sipp/carrier.xml, by the last digit of the
 * number; agent phones (`PJSIP/9001`…) answer after 500 ms like sipp/agent.xml, unless told
 * otherwise. Time passes through the given Clock: delayed events are clock timers.
 */
import { randomUUID } from 'node:crypto';
import type { Clock, TimerHandle } from '../../../src/ports/clock.ts';
import { notFound, ScriptedBridges, type ScriptedWorld } from './scripted-bridges.ts';
import { CAUSES, carrierScript, channelJson, timestampOf, type Cause, type ScriptedBridge, type ScriptedChannel } from './scripted-model.ts';
import { StandInServer, type StandInRequest, type StandInResponse } from './stand-in-server.ts';
import { recordingSample } from './transcript.ts';

export type AgentPhone = 'answers' | 'no-answer' | 'unregistered';

export interface ScriptedAriOptions {
  clock: Clock;
  user?: string;
  password?: string;
  app?: string;
  /** Agent phones by endpoint resource; default 9001–9003 answering. */
  agents?: Record<string, AgentPhone>;
  /**
   * A loaded Asterisk: StasisStart of a created channel comes this long after the create's
   * response (default: before it, as captured); `'never'` keeps the channel out of the
   * application. Until then `/variable`, `/dial` and `/play` answer 409 "Channel not in Stasis
   * application", as Asterisk 22 does.
   */
  stasisDelayMs?: number | 'never';
  /** The first N `/variable` or `/dial` requests answer 409 even for a channel in Stasis. */
  conflicts?: { variable?: number; dial?: number };
}

const NOT_IN_STASIS = { status: 409, json: { message: 'Channel not in Stasis application' } };

type Reply = (response: StandInResponse) => void;

export class ScriptedAri implements ScriptedWorld {
  readonly user: string;
  readonly password: string;
  readonly app: string;
  readonly channels = new Map<string, ScriptedChannel>();
  readonly unexpected: StandInRequest[] = [];
  readonly clock: Clock;
  private readonly media: ScriptedBridges;
  private readonly agents: Record<string, AgentPhone>;
  private readonly server: StandInServer;
  private readonly stasisDelayMs: number | 'never' | undefined;
  private readonly conflicts: { variable: number; dial: number };
  /** Channels created but not yet in the application (see `stasisDelayMs`). */
  readonly outsideStasis = new Set<string>();
  private startupTime: string;
  private sequence = 0;

  private constructor(options: ScriptedAriOptions) {
    this.clock = options.clock;
    this.user = options.user ?? 'dialer';
    this.password = options.password ?? 'dialer-ari-secret';
    this.app = options.app ?? 'ccs';
    this.agents = { '9001': 'answers', '9002': 'answers', '9003': 'answers', ...options.agents };
    this.stasisDelayMs = options.stasisDelayMs;
    this.conflicts = { variable: options.conflicts?.variable ?? 0, dial: options.conflicts?.dial ?? 0 };
    this.startupTime = timestampOf(this.clock.now());
    this.media = new ScriptedBridges(this, recordingSample());
    this.server = new StandInServer({ user: this.user, password: this.password, app: this.app, handle: (req, reply) => this.route(req, reply) });
  }

  static async start(options: ScriptedAriOptions): Promise<ScriptedAri> {
    const ari = new ScriptedAri(options);
    await ari.server.listen();
    return ari;
  }

  get url(): string {
    return this.server.url;
  }

  get requests(): StandInRequest[] {
    return this.server.requests;
  }

  get bridges(): Map<string, ScriptedBridge> {
    return this.media.bridges;
  }

  /** Bridge recordings that ended by themselves, no audio reaching them for 4 s. */
  get starvedRecordings(): readonly string[] {
    return this.media.starved;
  }

  /** Changes how an agent's phone behaves; (un)registering is announced as EndpointStateChange. */
  setAgentPhone(resource: string, phone: AgentPhone): void {
    const before = this.agents[resource];
    this.agents[resource] = phone;
    if ((before === 'unregistered') !== (phone === 'unregistered')) {
      this.send({ type: 'EndpointStateChange', endpoint: this.endpointJson(resource) });
    }
  }

  /** The far end of a channel hangs up (BYE). */
  hangUpFarEnd(channelId: string, cause: Cause = CAUSES.normal): void {
    const ch = this.channels.get(channelId);
    if (ch) this.destroy(ch, cause);
  }

  /** Asterisk stops (channels hung up with cause 4 unless `silently`), forgetting everything. */
  async stop(options: { silently?: boolean } = {}): Promise<void> {
    for (const ch of [...this.channels.values()]) {
      if (options.silently) this.cancel(ch);
      else this.destroy(ch, CAUSES.normal, { cause: 4, soft: true });
    }
    this.channels.clear();
    this.media.clear();
    await this.server.goDown();
  }

  /** A network blip: connections cut, Asterisk keeps running and remembers everything. */
  async dropConnections(): Promise<void> {
    await this.server.goDown();
  }

  /** The network is back (after `dropConnections`). */
  async reconnectable(): Promise<void> {
    await this.server.comeBack();
  }

  /** Asterisk started again: new startup time, nothing remembered. */
  async start(): Promise<void> {
    this.startupTime = timestampOf(this.clock.now());
    await this.server.comeBack();
  }

  async close(): Promise<void> {
    for (const ch of this.channels.values()) this.cancel(ch);
    await this.server.close();
  }

  send(event: Record<string, unknown>): void {
    this.server.send({ ...event, timestamp: timestampOf(this.clock.now()), asterisk_id: '02:fc:00:00:00:01', application: this.app });
  }

  later(ch: ScriptedChannel | null, ms: number, fn: () => void): void {
    const handle: TimerHandle = this.clock.setTimer(ms, fn);
    ch?.timers.push(handle);
  }

  private cancel(ch: ScriptedChannel): void {
    for (const timer of ch.timers) timer.cancel();
    ch.timers = [];
  }

  private route(req: StandInRequest, reply: Reply): void {
    const parts = req.url.pathname.split('/').slice(2).map(decodeURIComponent); // after /ari
    const q = req.url.searchParams;
    // e.g. `POST channels/:id/dial`, `GET channels`, `POST bridges/:id/addChannel`
    const key = [`${req.method} ${parts[0]}`, ...(parts.length > 1 ? [':id', ...parts.slice(2)] : [])].join('/');
    const id = parts[1] ?? '';
    switch (key) {
      case 'POST channels/:id':
        if (id === 'create') return this.create(req, reply);
        break;
      case 'POST channels/:id/dial':
        if (this.outsideStasis.has(id)) return reply(NOT_IN_STASIS);
        if (this.channels.has(id) && this.conflicts.dial > 0) {
          this.conflicts.dial--;
          return reply(NOT_IN_STASIS);
        }
        return this.dial(id, Number(q.get('timeout') ?? 0), reply);
      case 'DELETE channels/:id':
        return this.hangup(id, reply);
      case 'GET channels':
        return reply({ status: 200, json: [...this.channels.values()].map((ch) => channelJson(ch, this.app)) });
      case 'GET channels/:id': {
        const ch = this.channels.get(id);
        return reply(ch ? { status: 200, json: channelJson(ch, this.app) } : notFound('Channel'));
      }
      case 'POST channels/:id/variable': {
        const ch = this.channels.get(id);
        if (!ch) return reply(notFound('Channel'));
        if (this.outsideStasis.has(id)) return reply(NOT_IN_STASIS);
        if (this.conflicts.variable > 0) {
          this.conflicts.variable--;
          return reply(NOT_IN_STASIS);
        }
        ch.vars[q.get('variable') ?? ''] = q.get('value') ?? '';
        return reply({ status: 204 });
      }
      case 'POST channels/:id/moh':
      case 'DELETE channels/:id/moh':
      case 'POST channels/:id/mute':
      case 'DELETE channels/:id/mute':
      case 'POST channels/:id/dtmf':
        return this.control(id, key, q, reply);
      case 'POST channels/:id/play':
        if (this.outsideStasis.has(id)) return reply(NOT_IN_STASIS);
        return this.play(id, q.get('media') ?? '', q.get('playbackId') ?? randomUUID(), reply);
      case 'GET asterisk/:id':
        if (id === 'info') {
          return reply({ status: 200, json: { system: { version: '22.10.1', entity_id: '02:fc:00:00:00:01' }, status: { startup_time: this.startupTime, last_reload_time: this.startupTime } } });
        }
        break;
      case 'POST applications/:id/subscription':
      case 'DELETE applications/:id/subscription':
        return reply({ status: 200, json: { name: this.app, channel_ids: [], bridge_ids: [], endpoint_ids: [], device_names: [] } });
      default:
        break;
    }
    if (this.media.route(req, parts, reply)) return;
    if (req.method === 'GET' && parts[0] === 'endpoints' && parts[1] === 'PJSIP' && parts[2]) {
      return reply(this.agents[parts[2]] ? { status: 200, json: this.endpointJson(parts[2]) } : notFound('Endpoint'));
    }
    this.unexpected.push(req);
    reply({ status: 404, json: { message: 'scripted Asterisk: no such resource' } });
  }

  private endpointJson(resource: string) {
    const channelIds = [...this.channels.values()].filter((c) => c.kind === 'agent' && c.target === resource).map((c) => c.id);
    return { technology: 'PJSIP', resource, state: this.agents[resource] === 'unregistered' ? 'offline' : 'online', channel_ids: channelIds };
  }

  private create(req: StandInRequest, reply: Reply): void {
    const q = req.url.searchParams;
    const endpoint = q.get('endpoint') ?? '';
    const match = /^PJSIP\/(.+)$/.exec(endpoint);
    if (!endpoint.includes('/')) return reply({ status: 400, json: { message: 'Invalid endpoint specified' } });
    const allocationFailed = { status: 500, json: { error: 'Allocation failed' } };
    if (!match) return reply(allocationFailed);
    let kind: ScriptedChannel['kind'];
    let target: string;
    if (match[1]!.includes('@')) {
      const [number, trunk] = match[1]!.split('@');
      if (trunk !== 'trunk') return reply(allocationFailed);
      kind = 'customer';
      target = number!;
    } else {
      const phone = this.agents[match[1]!];
      if (!phone || phone === 'unregistered') return reply(allocationFailed);
      kind = 'agent';
      target = match[1]!;
    }
    const id = q.get('channelId') ?? `${Math.floor(this.clock.now() / 1000)}.${this.sequence}`;
    if (this.channels.has(id)) return reply({ status: 409, json: { message: 'Channel with given unique ID already exists' } });
    const variables = ((req.body as { variables?: Record<string, string> } | null)?.variables ?? {}) as Record<string, string>;
    const seq = (this.sequence++).toString(16).padStart(8, '0');
    const ch: ScriptedChannel = {
      id,
      name: kind === 'customer' ? `PJSIP/trunk-${seq}` : `PJSIP/${target}-${seq}`,
      kind,
      target,
      state: 'Down',
      appArgs: (q.get('appArgs') ?? '').split(',').filter((a) => a !== ''),
      callerNumber: variables['CALLERID(num)'] ?? '02873000000',
      vars: variables,
      bridge: null,
      dialled: false,
      answered: false,
      protocolId: randomUUID(),
      createdAt: this.clock.now(),
      timers: [],
    };
    this.channels.set(id, ch);
    // As captured: these arrive before the HTTP response.
    if (variables.CCS_CALL_ID) this.send({ type: 'ChannelVarset', variable: 'CCS_CALL_ID', value: variables.CCS_CALL_ID, channel: channelJson(ch, this.app, false) });
    const enter = () => {
      this.outsideStasis.delete(id);
      this.send({ type: 'ChannelDialplan', dialplan_app: 'Stasis', dialplan_app_data: [this.app, ...ch.appArgs].join(','), channel: channelJson(ch, this.app) });
      this.send({ type: 'StasisStart', args: ch.appArgs, channel: channelJson(ch, this.app) });
    };
    if (this.stasisDelayMs === undefined) {
      enter();
      return reply({ status: 200, json: channelJson(ch, this.app, false) });
    }
    // Under load the channel joins the application only after the create has been answered.
    this.outsideStasis.add(id);
    reply({ status: 200, json: channelJson(ch, this.app, false) });
    if (this.stasisDelayMs !== 'never') this.later(ch, this.stasisDelayMs, enter);
  }

  private dial(id: string, timeoutSeconds: number, reply: Reply): void {
    const ch = this.channels.get(id);
    if (!ch) return reply(notFound('Channel'));
    ch.dialled = true;
    reply({ status: 204 });
    this.later(ch, 1, () => this.send({ type: 'Dial', dialstatus: '', forward: '', dialstring: ch.kind === 'customer' ? `${ch.target}@trunk` : ch.target, peer: channelJson(ch, this.app) }));
    if (timeoutSeconds > 0) {
      this.later(ch, timeoutSeconds * 1000, () => {
        if (!ch.answered) this.destroy(ch, CAUSES.ringOut, { cause: 32, soft: true });
      });
    }
    if (ch.kind === 'agent') {
      const phone = this.agents[ch.target];
      // A phone already in an answered call answers 486 Busy Here (no call waiting), like sipp/agent.xml.
      const inCall = [...this.channels.values()].some((c) => c !== ch && c.kind === 'agent' && c.target === ch.target && c.answered);
      if (inCall) {
        this.later(ch, 3, () => this.destroy(ch, CAUSES.busy));
        return;
      }
      this.later(ch, 2, () => this.ring(ch));
      // Asterisk 22.9 reported Dial RINGING twice for one ring of a transfer target's phone (live).
      if (ch.id.includes('-consult-')) this.later(ch, 4, () => this.send({ type: 'Dial', dialstatus: 'RINGING', forward: '', dialstring: '', peer: channelJson(ch, this.app) }));
      if (phone === 'answers') this.later(ch, 500, () => this.answer(ch));
      return;
    }
    const script = carrierScript(ch.target);
    if (script.kind === 'fails') {
      this.later(ch, script.after, () => this.destroy(ch, script.cause));
      return;
    }
    this.later(ch, 8, () => this.ring(ch));
    if (script.answerAfter !== null) this.later(ch, script.answerAfter, () => this.answer(ch));
    if (script.answerAfter !== null && script.hangsUpAfterAnswer !== null) {
      this.later(ch, script.answerAfter + script.hangsUpAfterAnswer, () => this.destroy(ch, CAUSES.normal));
    }
  }

  private ring(ch: ScriptedChannel): void {
    if (ch.state !== 'Down') return;
    ch.state = 'Ringing';
    this.send({ type: 'ChannelStateChange', channel: channelJson(ch, this.app) });
    this.send({ type: 'Dial', dialstatus: 'RINGING', forward: '', dialstring: '', peer: channelJson(ch, this.app) });
  }

  private answer(ch: ScriptedChannel): void {
    if (ch.answered || !this.channels.has(ch.id)) return;
    ch.answered = true;
    ch.state = 'Up';
    this.send({ type: 'ChannelStateChange', channel: channelJson(ch, this.app) });
    this.send({ type: 'Dial', dialstatus: 'ANSWER', forward: '', dialstring: '', peer: channelJson(ch, this.app) });
  }

  /** Hangup request, out of its bridge, out of Stasis, destroyed: the captured order. */
  private destroy(ch: ScriptedChannel, cause: Cause, request?: { cause: number; soft: true }): void {
    if (!this.channels.has(ch.id)) return;
    this.cancel(ch);
    const [code, text, tech] = cause;
    this.send({ type: 'ChannelHangupRequest', ...(request ?? { cause: code, ...(tech !== undefined ? { tech_cause: tech } : {}) }), channel: channelJson(ch, this.app) });
    if (ch.bridge) this.media.leave(ch);
    if (!this.outsideStasis.delete(ch.id)) this.send({ type: 'StasisEnd', channel: channelJson(ch, this.app) });
    this.channels.delete(ch.id);
    this.send({ type: 'ChannelDestroyed', cause: code, cause_txt: text, ...(tech !== undefined ? { tech_cause: tech } : {}), channel: channelJson(ch, this.app) });
  }

  private hangup(id: string, reply: Reply): void {
    const ch = this.channels.get(id);
    if (!ch) return reply(notFound('Channel'));
    reply({ status: 204 });
    const cause: Cause = ch.dialled ? CAUSES.normal : [16, 'Normal Clearing', 603];
    this.later(null, 1, () => this.destroy(ch, cause, { cause: 32, soft: true }));
  }

  /** Music on hold, mute and DTMF on a channel in the application, kept on the channel for tests. */
  private control(id: string, key: string, q: URLSearchParams, reply: Reply): void {
    const ch = this.channels.get(id);
    if (!ch) return reply(notFound('Channel'));
    if (this.outsideStasis.has(id)) return reply(NOT_IN_STASIS);
    const direction = q.get('direction') ?? 'both';
    if (key.endsWith('/mute') && !['in', 'out', 'both'].includes(direction)) return reply({ status: 400, json: { message: 'Invalid direction specified' } });
    if (key === 'POST channels/:id/moh') ch.moh = q.get('mohClass') ?? 'default';
    else if (key === 'DELETE channels/:id/moh') ch.moh = null;
    else if (key === 'POST channels/:id/mute') ch.muted = direction;
    else if (key === 'DELETE channels/:id/mute') ch.muted = null;
    if (key.endsWith('/mute')) this.media.watchSilence(ch.bridge);
    else if (!key.endsWith('/moh')) {
      const digits = q.get('dtmf') ?? '';
      if (!/^[0-9*#A-D]+$/.test(digits)) return reply({ status: 400, json: { message: 'DTMF is required' } });
      ch.dtmf = (ch.dtmf ?? '') + digits;
    }
    reply({ status: 204 });
  }

  private play(id: string, media: string, playbackId: string, reply: Reply): void {
    const ch = this.channels.get(id);
    if (!ch) return reply(notFound('Channel'));
    const playback = { id: playbackId, media_uri: media, target_uri: `channel:${id}`, language: 'en' };
    reply({ status: 201, json: { ...playback, state: 'queued' } });
    this.later(ch, 1, () => this.send({ type: 'PlaybackStarted', playback: { ...playback, state: 'playing' } }));
    this.later(ch, 2000, () => this.send({ type: 'PlaybackFinished', playback: { ...playback, state: 'done' } }));
  }
}
