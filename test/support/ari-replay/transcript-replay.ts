/**
 * Replays one captured ARI transcript to a driver under test, as Asterisk played it.
 *
 * The records are walked in their true order. Events go out on the events WebSocket; an
 * `open` record waits for the driver to connect (again, after an `eof`, which takes the
 * server down until `restore()`). A recorded HTTP request that the dialer made (POST,
 * DELETE) is a gate: the replay stops there until the driver sends a matching request, then
 * emits the events recorded between the request and its response *before* answering, with
 * the recorded status and body. GETs (and records marked `loose`) never stop the replay; they
 * answer matching requests while the replay is near them. A driver request matching a later
 * gate moves the replay forward to it (the events in between happened before it anyway).
 *
 * Requests match on method, path and the parameters that tell calls apart (endpoint, type,
 * channel, role, media). Ids are the driver's own: the ids of the capture are mapped to the
 * ones the driver chose, learned from `channelId`, `bridgeId`, `name`, `playbackId` and
 * `appArgs` when a create request is matched, and rewritten everywhere (paths, bodies, events).
 * Requests the transcript lacks are answered by `routes`, then by a few synthesized defaults
 * (asterisk/info, empty channel and bridge lists, subscriptions, endpoints online, channel variables);
 * anything else gets
 * 404 and is listed in `unexpected`.
 */
import type { HttpRecord, EventRecord, TranscriptRecord } from './transcript.ts';
import { IdMap, isEvent, isHttp, isState, loadTranscript, recordingSample } from './transcript.ts';
import { StandInServer, type StandInRequest, type StandInResponse } from './stand-in-server.ts';

export interface ReplayRoute {
  method: string;
  /** Matched against the request's pathname. */
  path: RegExp;
  answer(request: StandInRequest): StandInResponse | Promise<StandInResponse>;
}

export interface ReplayOptions {
  flow: string;
  /** Called with the flow time (ms) of each record before it is played; moves test clocks. */
  onTime?: (t: number) => Promise<void> | void;
  /** HTTP records that do not hold the replay back (GETs never do). */
  loose?: (record: HttpRecord) => boolean;
  /** Events that are not delivered (e.g. lost with the connection). */
  dropEvent?: (record: EventRecord) => boolean;
  /** Answers given instead of the recorded one, for requests that match a record. */
  overrides?: ReplayRoute[];
  /** Answers for requests the transcript does not have. */
  routes?: ReplayRoute[];
}

export const REPLAY_USER = 'dialer';
export const REPLAY_PASSWORD = 'dialer-ari-secret';
const KEY_PARAMS = ['endpoint', 'type', 'channel', 'role', 'media'];
const LEARNED_PARAMS = ['channelId', 'bridgeId', 'name', 'playbackId'];
const BASE = 'http://127.0.0.1';

type Status = { kind: 'running' } | { kind: 'gate'; index: number } | { kind: 'waiting-for-connection' } | { kind: 'end' };

export class TranscriptReplay {
  readonly ids = new IdMap();
  /** Requests nothing could answer (404). */
  readonly unexpected: StandInRequest[] = [];
  /** Which record answered which request. */
  readonly answered: { request: StandInRequest; record: HttpRecord | null; by: 'transcript' | 'override' | 'route' }[] = [];
  readonly records: TranscriptRecord[];
  private readonly server: StandInServer;
  private readonly consumed = new Set<number>();
  private cursor = 0;
  private opensPassed = 0;
  private lastTime = 0;
  private status: Status = { kind: 'running' };
  private chain: Promise<void> = Promise.resolve();
  private active = 0;
  private readonly defaults: ReplayRoute[];

  private constructor(private readonly options: ReplayOptions) {
    this.records = loadTranscript(options.flow);
    this.server = new StandInServer({
      user: REPLAY_USER,
      password: REPLAY_PASSWORD,
      app: 'ccs',
      handle: (request, respond) => this.handle(request, respond),
      onConnect: () => this.kick(),
    });
    this.defaults = defaultRoutes();
  }

  static async start(options: ReplayOptions): Promise<TranscriptReplay> {
    const replay = new TranscriptReplay(options);
    await replay.server.listen();
    replay.kick();
    return replay;
  }

  get url(): string {
    return this.server.url;
  }

  get requests(): StandInRequest[] {
    return this.server.requests;
  }

  /**
   * Waits until the replay stands at a gate (returns its record) or at the end; with
   * `wanted`, until it stands at a gate that satisfies it (or at the end).
   */
  async waitForGate(wanted?: (record: HttpRecord) => boolean, limitMs = 10_000): Promise<HttpRecord | 'end'> {
    let stable = 0;
    for (let waited = 0; waited < limitMs; waited += 5) {
      const status = this.status;
      const atGate = status.kind === 'gate' && (!wanted || wanted(this.records[status.index] as HttpRecord));
      const idle = this.active === 0 && (atGate || status.kind === 'end');
      stable = idle ? stable + 1 : 0;
      if (stable >= 3) return this.status.kind === 'gate' ? (this.records[this.status.index] as HttpRecord) : 'end';
      await sleep(5);
    }
    throw new Error(`replay of ${this.options.flow} did not settle at a gate (status ${this.status.kind}, record ${this.cursor})`);
  }

  /** Whether every record has been played. */
  get finished(): boolean {
    return this.status.kind === 'end';
  }

  /** Asterisk is reachable again after an `eof` record took it down. */
  async restore(): Promise<void> {
    await this.server.comeBack();
  }

  async close(): Promise<void> {
    await this.server.close();
  }

  private kick(): void {
    void this.exclusive(() => this.pump());
  }

  private exclusive(work: () => Promise<void>): Promise<void> {
    this.active++;
    const run = this.chain.then(work).finally(() => this.active--);
    this.chain = run.catch(() => {});
    return run;
  }

  private isLoose(record: HttpRecord): boolean {
    return record.method === 'GET' || record.status === 401 || (this.options.loose?.(record) ?? false);
  }

  private async pump(): Promise<void> {
    this.status = { kind: 'running' };
    while (this.cursor < this.records.length) {
      const record = this.records[this.cursor]!;
      if (isHttp(record)) {
        if (this.consumed.has(this.cursor) || this.isLoose(record)) {
          this.cursor++;
          continue;
        }
        this.status = { kind: 'gate', index: this.cursor };
        return;
      }
      if (isState(record) && record.state === 'open') {
        if (this.server.connections <= this.opensPassed) {
          this.status = { kind: 'waiting-for-connection' };
          return;
        }
        this.opensPassed++;
        this.cursor++;
        continue;
      }
      await this.play(record);
      this.cursor++;
    }
    this.status = { kind: 'end' };
  }

  private async play(record: TranscriptRecord): Promise<void> {
    if (isEvent(record)) {
      if (this.options.dropEvent?.(record)) return;
      await this.time(record.t);
      this.server.send(this.ids.applyDeep(record.event));
    } else if (isState(record) && record.state === 'eof') {
      await this.time(record.t);
      await this.server.goDown();
    } else if (isState(record) && record.state === 'open') {
      this.opensPassed++;
    }
  }

  private async time(t: number): Promise<void> {
    if (t <= this.lastTime) return;
    this.lastTime = t;
    await this.options.onTime?.(t);
  }

  private async handle(request: StandInRequest, respond: (response: StandInResponse) => void): Promise<void> {
    await this.exclusive(async () => {
      const index = this.findMatch(request);
      const override = this.options.overrides?.find((route) => routeMatches(route, request));
      if (index < 0) {
        const route = override ?? [...(this.options.routes ?? []), ...this.defaults].find((r) => routeMatches(r, request));
        if (route) {
          this.answered.push({ request, record: null, by: 'route' });
          respond(await route.answer(request));
        } else {
          this.unexpected.push(request);
          respond({ status: 404, json: { message: `replay of ${this.options.flow}: nothing recorded for ${request.method} ${request.path}` } });
        }
        return;
      }
      const record = this.records[index] as HttpRecord;
      this.consumed.add(index);
      this.learn(record, request);
      if (index >= this.cursor) {
        while (this.cursor < index) await this.play(this.records[this.cursor++]!);
        this.cursor = index + 1;
        let early = false;
        for (let next = this.records[this.cursor]; next && isEvent(next) && next.t < record.t_response; next = this.records[this.cursor]) {
          await this.play(next);
          this.cursor++;
          early = true;
        }
        // Let the events reach the driver before the answer does, as they did from Asterisk.
        if (early) await yieldIo();
      }
      await this.time(record.t_response);
      this.answered.push({ request, record, by: override ? 'override' : 'transcript' });
      respond(override ? await override.answer(request) : this.recordedAnswer(record));
      await yieldIo();
    });
    this.kick();
  }

  private findMatch(request: StandInRequest): number {
    let nextGate = this.records.length;
    for (let i = this.cursor; i < this.records.length; i++) {
      const r = this.records[i]!;
      if (isHttp(r) && !this.consumed.has(i) && !this.isLoose(r)) {
        nextGate = i;
        break;
      }
    }
    for (let i = 0; i < this.records.length; i++) {
      const r = this.records[i]!;
      if (!isHttp(r) || this.consumed.has(i) || r.status === 401) continue;
      const reachable = i < nextGate || (i >= this.cursor && !this.isLoose(r));
      if (reachable && this.matches(r, request)) return i;
    }
    return -1;
  }

  private matches(record: HttpRecord, request: StandInRequest): boolean {
    if (record.method !== request.method) return false;
    const recorded = new URL(this.ids.apply(record.path), BASE);
    if (recorded.pathname !== request.url.pathname) return false;
    return KEY_PARAMS.every((key) => (recorded.searchParams.get(key) ?? null) === (request.url.searchParams.get(key) ?? null));
  }

  private learn(record: HttpRecord, request: StandInRequest): void {
    const recorded = new URL(record.path, BASE).searchParams;
    const sent = request.url.searchParams;
    for (const key of LEARNED_PARAMS) this.ids.learn(recorded.get(key), sent.get(key));
    const recordedArgs = recorded.get('appArgs')?.split(',') ?? [];
    const sentArgs = sent.get('appArgs')?.split(',') ?? [];
    recordedArgs.forEach((arg, i) => this.ids.learn(arg, sentArgs[i]));
  }

  private recordedAnswer(record: HttpRecord): StandInResponse {
    if (record.response_length !== undefined && record.response_body === null) {
      const sample = recordingSample();
      const bytes = sample.length === record.response_length ? sample : Buffer.alloc(record.response_length);
      return { status: record.status, bytes, contentType: record.response_content_type ?? 'application/octet-stream' };
    }
    if (record.status === 204 || record.response_body === null) return { status: record.status };
    return { status: record.status, json: this.ids.applyDeep(record.response_body) };
  }
}

function routeMatches(route: ReplayRoute, request: StandInRequest): boolean {
  return route.method === request.method && route.path.test(request.url.pathname);
}

/** Answers for requests no capture has; synthesized in the shapes Asterisk 22 uses. */
function defaultRoutes(): ReplayRoute[] {
  const info = loadTranscript('ws-reconnect').find((r): r is HttpRecord => isHttp(r) && r.path === '/ari/asterisk/info')!.response_body;
  const application = { name: 'ccs', channel_ids: [], bridge_ids: [], endpoint_ids: [], device_names: [], events_allowed: [], events_disallowed: [] };
  return [
    { method: 'GET', path: /^\/ari\/asterisk\/info$/, answer: () => ({ status: 200, json: info }) },
    { method: 'GET', path: /^\/ari\/channels$/, answer: () => ({ status: 200, json: [] }) },
    // The captures began on an Asterisk with no bridges (the driver's start looks for leftovers).
    { method: 'GET', path: /^\/ari\/bridges$/, answer: () => ({ status: 200, json: [] }) },
    { method: 'POST', path: /^\/ari\/applications\/[^/]+\/subscription$/, answer: () => ({ status: 200, json: application }) },
    { method: 'DELETE', path: /^\/ari\/applications\/[^/]+\/subscription$/, answer: () => ({ status: 200, json: application }) },
    {
      method: 'GET',
      path: /^\/ari\/endpoints\/[^/]+\/[^/]+$/,
      answer: (request) => {
        const [, , , technology, resource] = request.url.pathname.split('/');
        return { status: 200, json: { technology, resource: decodeURIComponent(resource ?? ''), state: 'online', channel_ids: [] } };
      },
    },
    { method: 'DELETE', path: /^\/ari\/recordings\/stored\/[^/]+$/, answer: () => ({ status: 204 }) },
    { method: 'POST', path: /^\/ari\/channels\/[^/]+\/variable$/, answer: () => ({ status: 204 }) },
  ];
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function yieldIo(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
