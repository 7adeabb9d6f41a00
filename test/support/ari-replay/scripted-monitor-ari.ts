/**
 * A scripted Asterisk for call monitoring: the ARI 22 requests the monitor makes (bridges,
 * originate, snoop, addChannel, hang-ups) on a floor that already has connected calls (a
 * customer channel `<callId>` and an agent channel in the mixing bridge `<callId>-bridge`, as
 * the driver leaves them). It answers as Asterisk does (404 `{"message":"Bridge not found"}`,
 * snoop channels `Snoop/<channel>-<n>`, StasisStart once a supervisor's phone answers) and
 * works out who hears whom from the bridges and the snoops' directions. Event sources the
 * application subscribed to (`POST /applications/{app}/subscription`) get their events as on
 * Asterisk 22: ChannelDestroyed of a subscribed channel of another application, and
 * ChannelEnteredBridge / ChannelLeftBridge of a subscribed bridge.
 *
 * Several applications may be connected (`startAccepting`, e.g. a cluster's nodes each with its
 * own): as on Asterisk, a channel's events go to the application it is in and a subscription's
 * to the applications that subscribed, each to the last WebSocket connected for that
 * application.
 */
import { StandInServer, type StandInRequest, type StandInResponse } from './stand-in-server.ts';

type Kind = 'customer' | 'agent' | 'supervisor' | 'snoop';
type Party = 'agent' | 'customer' | 'supervisor';

interface Channel {
  id: string;
  name: string;
  kind: Kind;
  /** Snoop: the channel spied on, and its directions. */
  of?: string;
  spy?: string;
  whisper?: string;
  bridge: string | null;
  app: string | null;
}

export class ScriptedMonitorAri {
  readonly channels = new Map<string, Channel>();
  readonly bridges = new Map<string, { id: string; channels: Set<string> }>();
  /** Supervisor endpoints that answer; any other endpoint fails to allocate. */
  readonly phones = new Set(['PJSIP/sup1']);
  /** Application → the event sources it subscribed to (`channel:<id>`, `bridge:<id>`). */
  private readonly subscribed = new Map<string, Set<string>>();
  private readonly server: StandInServer;
  private sequence = 0;

  private constructor(
    readonly app: string,
    private readonly accepts: (app: string) => boolean,
  ) {
    this.server = new StandInServer({ user: 'dialer', password: 'dialer-ari-secret', app, acceptsApp: accepts, handle: (req, reply) => this.route(req, reply) });
  }

  static async start(app = 'ccs-monitor'): Promise<ScriptedMonitorAri> {
    return ScriptedMonitorAri.startAccepting((name) => name === app, app);
  }

  /** One Asterisk for every application `accepts` takes (several nodes' monitoring applications). */
  static async startAccepting(accepts: (app: string) => boolean, app = 'ccs-monitor'): Promise<ScriptedMonitorAri> {
    const ari = new ScriptedMonitorAri(app, (name) => name === app || accepts(name));
    await ari.server.listen();
    return ari;
  }

  /** Event sources subscribed to, by any application. */
  get subscriptions(): Set<string> {
    return new Set([...this.subscribed.values()].flatMap((sources) => [...sources]));
  }

  /** Events WebSocket connections accepted so far. */
  get connections(): number {
    return this.server.connections;
  }

  get url(): string {
    return this.server.url;
  }

  get connected(): boolean {
    return this.server.connected;
  }

  /** Requests as `METHOD /ari/path?query`, in order. */
  get requests(): string[] {
    return this.server.requests.map((r) => `${r.method} ${r.path}`);
  }

  /** A connected call as the driver leaves it: customer and agent channels in `<callId>-bridge`. */
  connectedCall(callId: string, agentChannel: string): void {
    this.channels.set(callId, { id: callId, name: `PJSIP/trunk-${this.seq()}`, kind: 'customer', bridge: null, app: 'ccs' });
    this.channels.set(agentChannel, { id: agentChannel, name: `PJSIP/9001-${this.seq()}`, kind: 'agent', bridge: null, app: 'ccs' });
    this.bridges.set(`${callId}-bridge`, { id: `${callId}-bridge`, channels: new Set() });
    this.join(callId, `${callId}-bridge`);
    this.join(agentChannel, `${callId}-bridge`);
  }

  /** The call ends as the driver ends it: channels hung up (their snoops with them), bridge destroyed. */
  endCall(callId: string): void {
    const bridge = this.bridges.get(`${callId}-bridge`);
    for (const id of [...(bridge?.channels ?? [])]) if (this.channels.get(id)?.kind !== 'supervisor') this.destroy(id);
    this.bridges.delete(`${callId}-bridge`);
    for (const ch of this.channels.values()) if (ch.bridge === `${callId}-bridge`) ch.bridge = null;
  }

  /** A completed transfer, as the driver does it: the target's channel joins the call's bridge, the first agent's is hung up. */
  transfer(callId: string, fromLeg: string, toLeg: string): void {
    this.channels.set(toLeg, { id: toLeg, name: `PJSIP/9002-${this.seq()}`, kind: 'agent', bridge: null, app: 'ccs' });
    this.join(toLeg, `${callId}-bridge`);
    this.destroy(fromLeg);
  }

  /**
   * The call ends with a nailed-up agent: the customer's channel is hung up and the agent's line
   * leaves the call's bridge for the holding bridge (it stays up, and so does its snoop).
   */
  endCallNailedUp(callId: string): void {
    const bridgeId = `${callId}-bridge`;
    this.destroy(callId);
    for (const id of [...(this.bridges.get(bridgeId)?.channels ?? [])]) if (this.channels.get(id)?.kind === 'agent') this.leave(id);
    this.bridges.delete(bridgeId);
  }

  /** A blind transfer to a nailed-up agent: the target's parked line joins the call's bridge, the first agent's line is parked again (not hung up). */
  transferNailedUp(callId: string, fromLeg: string, toLeg: string): void {
    this.channels.set(toLeg, { id: toLeg, name: `PJSIP/9002-${this.seq()}`, kind: 'agent', bridge: null, app: 'ccs' });
    this.join(toLeg, `${callId}-bridge`);
    this.leave(fromLeg);
  }

  /** The supervisor hangs up their phone. */
  hangUpFarEnd(channelId: string): void {
    this.destroy(channelId);
  }

  /** Who hears `party` on the call: from the bridges and the snoops (spy: the snoop hears; whisper out: the spied phone hears). */
  hearersOf(callId: string, party: Party): Party[] {
    const callBridge = this.bridges.get(`${callId}-bridge`);
    const kindIn = (bridge: { channels: Set<string> } | undefined) => [...(bridge?.channels ?? [])].map((id) => this.channels.get(id)!);
    const inCall = kindIn(callBridge);
    const hearers = new Set<Party>();
    const speaker = inCall.find((c) => c.kind === party);
    if (speaker) for (const c of inCall) if (c !== speaker && c.kind !== 'snoop') hearers.add(c.kind as Party);
    for (const snoop of [...this.channels.values()].filter((c) => c.kind === 'snoop' && c.bridge)) {
      const room = kindIn(this.bridges.get(snoop.bridge!));
      const spied = this.channels.get(snoop.of!);
      if (!spied || spied.bridge !== `${callId}-bridge`) continue;
      // spy=both: the snoop hears the spied party and what it hears (the rest of the call).
      if (party !== 'supervisor' && snoop.spy === 'both') for (const c of room) if (c.kind === 'supervisor') hearers.add('supervisor');
      // whisper=out: what the room says goes out to the spied phone only.
      if (party === 'supervisor' && snoop.whisper === 'out' && room.some((c) => c.kind === 'supervisor')) hearers.add(spied.kind as Party);
    }
    return [...hearers].sort();
  }

  async close(): Promise<void> {
    await this.server.close();
  }

  private seq(): string {
    return (this.sequence++).toString(16).padStart(8, '0');
  }

  private send(app: string, event: Record<string, unknown>): void {
    this.server.sendTo(app, { ...event, timestamp: new Date().toISOString().replace('Z', '+0000'), asterisk_id: '02:fc:00:00:00:01', application: app });
  }

  /** Applications subscribed to `source`. */
  private subscribersOf(source: string): string[] {
    return [...this.subscribed].filter(([, sources]) => sources.has(source)).map(([app]) => app);
  }

  private json(ch: Channel) {
    return { id: ch.id, name: ch.name, state: 'Up', caller: { name: '', number: '' }, connected: { name: '', number: '' }, accountcode: '', dialplan: { context: 'default', exten: 's', priority: 1, app_name: 'Stasis', app_data: ch.app ?? this.app }, creationtime: '', language: 'en' };
  }

  private bridgeJson(id: string) {
    const b = this.bridges.get(id)!;
    return { id, technology: 'simple_bridge', bridge_type: 'mixing', bridge_class: 'stasis', creator: 'Stasis', name: '', channels: [...b.channels], video_mode: 'talker', creationtime: '' };
  }

  private join(channelId: string, bridgeId: string): void {
    const ch = this.channels.get(channelId)!;
    if (ch.bridge) this.leave(channelId);
    ch.bridge = bridgeId;
    this.bridges.get(bridgeId)!.channels.add(channelId);
    for (const app of this.subscribersOf(`bridge:${bridgeId}`)) this.send(app, { type: 'ChannelEnteredBridge', channel: this.json(ch), bridge: this.bridgeJson(bridgeId) });
  }

  /** The channel leaves its bridge (for a bridge outside this model, e.g. the agents' holding bridge). */
  private leave(channelId: string): void {
    const ch = this.channels.get(channelId);
    if (!ch?.bridge) return;
    const bridgeId = ch.bridge;
    this.bridges.get(bridgeId)?.channels.delete(channelId);
    ch.bridge = null;
    if (this.bridges.has(bridgeId)) for (const app of this.subscribersOf(`bridge:${bridgeId}`)) this.send(app, { type: 'ChannelLeftBridge', channel: this.json(ch), bridge: this.bridgeJson(bridgeId) });
  }

  private destroy(id: string): void {
    const ch = this.channels.get(id);
    if (!ch) return;
    this.leave(id);
    this.channels.delete(id);
    // The channel's own application (a monitoring one: the driver's is not connected here), then those subscribed to it.
    const inApp = ch.app !== null && this.accepts(ch.app) ? ch.app : null;
    if (inApp) {
      this.send(inApp, { type: 'StasisEnd', channel: this.json(ch) });
      this.send(inApp, { type: 'ChannelDestroyed', channel: this.json(ch), cause: 16, cause_txt: 'Normal Clearing' });
    }
    for (const app of this.subscribersOf(`channel:${id}`)) if (app !== inApp) this.send(app, { type: 'ChannelDestroyed', channel: this.json(ch), cause: 16, cause_txt: 'Normal Clearing' });
    // A snoop goes with the channel it spies on.
    for (const snoop of [...this.channels.values()]) if (snoop.kind === 'snoop' && snoop.of === id) this.destroy(snoop.id);
  }

  private route(req: StandInRequest, reply: (r: StandInResponse) => void): void {
    const parts = req.url.pathname.split('/').slice(2).map(decodeURIComponent);
    const q = req.url.searchParams;
    const [resource, id, action] = parts;
    if (resource === 'applications' && id && this.accepts(id) && action === 'subscription') {
      const sources = (q.get('eventSource') ?? '').split(',');
      let mine = this.subscribed.get(id);
      if (!mine) this.subscribed.set(id, (mine = new Set()));
      if (req.method === 'POST') for (const source of sources) mine.add(source);
      else if (req.method === 'DELETE') for (const source of sources) mine.delete(source);
      return reply({ status: 200, json: { name: id, channel_ids: [], bridge_ids: [], endpoint_ids: [], device_names: [], events_allowed: [], events_disallowed: [] } });
    }
    if (resource === 'bridges') {
      if (req.method === 'POST' && !id) {
        const bridgeId = q.get('bridgeId')!;
        if (this.bridges.has(bridgeId)) return reply({ status: 409, json: { message: 'Bridge with id already exists' } });
        this.bridges.set(bridgeId, { id: bridgeId, channels: new Set() });
        return reply({ status: 200, json: this.bridgeJson(bridgeId) });
      }
      if (!id || !this.bridges.has(id)) return reply({ status: 404, json: { message: 'Bridge not found' } });
      if (req.method === 'GET' && !action) return reply({ status: 200, json: this.bridgeJson(id) });
      if (req.method === 'DELETE' && !action) {
        for (const c of this.bridges.get(id)!.channels) this.channels.get(c)!.bridge = null;
        this.bridges.delete(id);
        return reply({ status: 204 });
      }
      if (req.method === 'POST' && action === 'addChannel') {
        const channel = q.get('channel') ?? '';
        const ch = this.channels.get(channel);
        if (!ch) return reply({ status: 400, json: { message: 'Channel not found' } });
        if (ch.app === null) return reply({ status: 422, json: { message: 'Channel not in Stasis application' } });
        this.join(channel, id);
        return reply({ status: 204 });
      }
    }
    if (resource === 'channels') {
      if (req.method === 'POST' && !id) {
        const endpoint = q.get('endpoint') ?? '';
        const channelId = q.get('channelId')!;
        if (!this.phones.has(endpoint)) return reply({ status: 500, json: { error: 'Allocation failed' } });
        const ch: Channel = { id: channelId, name: `${endpoint}-${this.seq()}`, kind: 'supervisor', bridge: null, app: null };
        this.channels.set(channelId, ch);
        reply({ status: 200, json: this.json(ch) });
        // The supervisor answers: the channel enters the application.
        setTimeout(() => {
          if (!this.channels.has(channelId)) return;
          ch.app = q.get('app');
          this.send(ch.app ?? this.app, { type: 'StasisStart', channel: this.json(ch), args: (q.get('appArgs') ?? '').split(',') });
        }, 50);
        return;
      }
      if (req.method === 'POST' && id && action === 'snoop') {
        const spied = this.channels.get(id);
        if (!spied) return reply({ status: 404, json: { message: 'Channel not found' } });
        const snoopId = q.get('snoopId')!;
        const ch: Channel = { id: snoopId, name: `Snoop/${id}-${this.seq()}`, kind: 'snoop', of: id, spy: q.get('spy') ?? 'none', whisper: q.get('whisper') ?? 'none', bridge: null, app: q.get('app') };
        this.channels.set(snoopId, ch);
        // As Asterisk does: the snoop channel is in the application before the response.
        this.send(ch.app ?? this.app, { type: 'StasisStart', channel: this.json(ch), args: (q.get('appArgs') ?? '').split(',') });
        return reply({ status: 200, json: this.json(ch) });
      }
      if (req.method === 'DELETE' && id && !action) {
        if (!this.channels.has(id)) return reply({ status: 404, json: { message: 'Channel not found' } });
        this.destroy(id);
        return reply({ status: 204 });
      }
    }
    reply({ status: 404, json: { message: 'scripted Asterisk: no such resource' } });
  }
}
