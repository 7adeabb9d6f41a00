/**
 * Bridges and recordings of the scripted Asterisk: mixing and holding bridges, channels
 * entering and leaving them (a channel added to a second bridge leaves the first by itself,
 * as captured), bridge recordings and their stored files (the captured sample), and music
 * on hold played into a bridge. As Asterisk 22 does, a bridge recording ends by itself when
 * no audio reaches it for 4 s (`__ast_play_and_record`: "No audio available on Recorder/…"):
 * in a bridge of one party and the recorder, the bridge is two-party and passes only what that
 * party sends, nothing when it is muted; with three or more, or music playing, the mixer
 * feeds the recorder all along.
 */
import type { Clock } from '../../../src/ports/clock.ts';
import type { StandInRequest, StandInResponse } from './stand-in-server.ts';
import { bridgeJson, channelJson, type ScriptedBridge, type ScriptedChannel } from './scripted-model.ts';

type Reply = (response: StandInResponse) => void;

/** What the bridges share with the rest of the scripted Asterisk. */
export interface ScriptedWorld {
  readonly app: string;
  readonly clock: Clock;
  readonly channels: Map<string, ScriptedChannel>;
  send(event: Record<string, unknown>): void;
  later(ch: ScriptedChannel | null, ms: number, fn: () => void): void;
}

export const notFound = (what: string): StandInResponse => ({ status: 404, json: { message: `${what} not found` } });

export class ScriptedBridges {
  readonly bridges = new Map<string, ScriptedBridge>();
  readonly stored = new Map<string, Uint8Array>();
  private readonly live = new Map<string, { bridgeId: string; startedAt: number; format: string; silentSince: number | null }>();
  /** Recordings that ended by themselves for want of audio. */
  readonly starved: string[] = [];

  constructor(
    private readonly world: ScriptedWorld,
    private readonly sample: Uint8Array,
  ) {}

  /** Answers `bridges…` and `recordings…` requests; false when the request is not one of them. */
  route(req: StandInRequest, parts: string[], reply: Reply): boolean {
    const q = req.url.searchParams;
    const [kind, id, action, extra] = parts;
    if (kind === 'bridges') {
      if (req.method === 'POST' && !id) this.create(q.get('type') === 'holding' ? 'holding' : 'mixing', q.get('bridgeId') ?? `bridge-${this.bridges.size}`, q.get('name') ?? '', reply);
      else if (req.method === 'POST' && action === 'addChannel') this.addChannels(id!, (q.get('channel') ?? '').split(','), reply);
      else if (req.method === 'POST' && action === 'removeChannel') this.removeChannel(id!, q.get('channel') ?? '', reply);
      else if (req.method === 'POST' && action === 'record') this.record(id!, q.get('name') ?? '', q.get('format') ?? '', reply);
      else if (action === 'moh' && (req.method === 'POST' || req.method === 'DELETE')) this.music(id!, req.method === 'POST' ? (q.get('mohClass') ?? 'default') : null, reply);
      else if (req.method === 'DELETE' && id && !action) this.destroy(id, reply);
      else if (req.method === 'GET' && !id) reply({ status: 200, json: [...this.bridges.values()].map(bridgeJson) });
      else if (req.method === 'GET' && id && !action) {
        const bridge = this.bridges.get(id);
        reply(bridge ? { status: 200, json: bridgeJson(bridge) } : notFound('Bridge'));
      } else return false;
      return true;
    }
    if (kind === 'recordings') {
      if (req.method === 'POST' && id === 'live' && extra === 'stop') this.stop(action!, reply);
      else if (req.method === 'GET' && id === 'live' && action && !extra) {
        const live = this.live.get(action);
        reply(live ? { status: 200, json: { name: action, format: live.format, state: 'recording', target_uri: `bridge:${live.bridgeId}` } } : notFound('Recording'));
      }
      else if (req.method === 'GET' && id === 'stored' && extra === 'file') {
        const file = this.stored.get(action!);
        reply(file ? { status: 200, bytes: file, contentType: 'audio/wav' } : notFound('Recording'));
      } else if (req.method === 'DELETE' && id === 'stored' && action && !extra) {
        reply(this.stored.delete(action) ? { status: 204 } : notFound('Recording'));
      } else return false;
      return true;
    }
    return false;
  }

  /** The channel leaves its bridge (hang-up, removal, move to another bridge). */
  leave(ch: ScriptedChannel, bridge: ScriptedBridge | undefined = ch.bridge ? this.bridges.get(ch.bridge) : undefined): void {
    ch.bridge = null;
    if (!bridge) return;
    bridge.channels = bridge.channels.filter((id) => id !== ch.id);
    this.world.send({ type: 'ChannelLeftBridge', bridge: bridgeJson(bridge), channel: channelJson(ch, this.world.app) });
    this.watchSilence(bridge.id);
  }

  /**
   * Call after anything that changes what a bridge's recorder gets (channels in or out, a
   * channel muted, music): a recording left without audio for 4 s finishes.
   */
  watchSilence(bridgeId: string | null): void {
    const bridge = bridgeId ? this.bridges.get(bridgeId) : undefined;
    const live = bridge?.recording ? this.live.get(bridge.recording) : undefined;
    if (!bridge || !live) return;
    if (!this.silent(bridge)) {
      live.silentSince = null;
      return;
    }
    if (live.silentSince !== null) return;
    const since = this.world.clock.now();
    live.silentSince = since;
    const name = bridge.recording!;
    this.world.later(null, 4000, () => {
      if (this.live.get(name)?.silentSince !== since) return;
      this.starved.push(name);
      this.finish(name);
    });
  }

  private silent(bridge: ScriptedBridge): boolean {
    if (bridge.moh || bridge.channels.length > 1) return false;
    const only = bridge.channels[0] ? this.world.channels.get(bridge.channels[0]) : undefined;
    return !only || only.muted === 'in' || only.muted === 'both';
  }

  private music(bridgeId: string, mohClass: string | null, reply: Reply): void {
    const bridge = this.bridges.get(bridgeId);
    if (!bridge) return reply(notFound('Bridge'));
    if (mohClass === null && !bridge.moh) return reply({ status: 409, json: { message: "Bridge isn't playing music on hold" } });
    bridge.moh = mohClass;
    reply({ status: 204 });
    this.watchSilence(bridgeId);
  }

  /** Asterisk stopped: bridges and live recordings are gone (stored files stay on disk). */
  clear(): void {
    this.bridges.clear();
    this.live.clear();
  }

  private create(type: 'mixing' | 'holding', id: string, name: string, reply: Reply): void {
    if (this.bridges.has(id)) return reply({ status: 409, json: { message: 'Bridge with this id already exists' } });
    const bridge: ScriptedBridge = { id, type, name, channels: [], recording: null, moh: null, createdAt: this.world.clock.now() };
    this.bridges.set(id, bridge);
    reply({ status: 200, json: bridgeJson(bridge) });
  }

  private addChannels(bridgeId: string, ids: string[], reply: Reply): void {
    const bridge = this.bridges.get(bridgeId);
    if (!bridge) return reply(notFound('Bridge'));
    const chans = ids.map((id) => this.world.channels.get(id));
    if (chans.some((c) => !c)) return reply({ status: 400, json: { message: 'Channel not found' } });
    reply({ status: 204 });
    this.world.later(null, 1, () => {
      for (const ch of chans as ScriptedChannel[]) {
        if (!this.world.channels.has(ch.id) || !this.bridges.has(bridgeId) || ch.bridge === bridgeId) continue;
        if (ch.bridge) this.leave(ch);
        ch.bridge = bridgeId;
        bridge.channels.push(ch.id);
        this.world.send({ type: 'ChannelEnteredBridge', bridge: bridgeJson(bridge), channel: channelJson(ch, this.world.app) });
      }
      this.watchSilence(bridgeId);
    });
  }

  private removeChannel(bridgeId: string, id: string, reply: Reply): void {
    if (!this.bridges.has(bridgeId)) return reply(notFound('Bridge'));
    const ch = this.world.channels.get(id);
    if (!ch) return reply({ status: 400, json: { message: 'Channel not found' } });
    if (ch.bridge !== bridgeId) return reply({ status: 422, json: { message: 'Channel not in this bridge' } });
    reply({ status: 204 });
    this.leave(ch);
  }

  private destroy(id: string, reply: Reply): void {
    const bridge = this.bridges.get(id);
    if (!bridge) return reply(notFound('Bridge'));
    // The id is free at once (a new bridge may take it); the channels leave just after.
    this.bridges.delete(id);
    reply({ status: 204 });
    this.world.later(null, 1, () => {
      for (const chId of [...bridge.channels]) {
        const ch = this.world.channels.get(chId);
        if (ch?.bridge === id) this.leave(ch, bridge);
      }
      if (bridge.recording) this.finish(bridge.recording);
      this.world.send({ type: 'BridgeDestroyed', bridge: bridgeJson(bridge) });
    });
  }

  private record(bridgeId: string, name: string, format: string, reply: Reply): void {
    const bridge = this.bridges.get(bridgeId);
    if (!bridge) return reply(notFound('Bridge'));
    if (format !== 'wav') return reply({ status: 422, json: { message: 'specified format is unknown on this system' } });
    this.live.set(name, { bridgeId, startedAt: this.world.clock.now(), format, silentSince: null });
    bridge.recording = name;
    this.watchSilence(bridgeId);
    const recording = { name, format, target_uri: `bridge:${bridgeId}` };
    reply({ status: 201, json: { ...recording, state: 'queued' } });
    this.world.later(null, 1, () => this.world.send({ type: 'RecordingStarted', recording: { ...recording, state: 'recording' } }));
  }

  private stop(name: string, reply: Reply): void {
    if (!this.live.has(name)) return reply(notFound('Recording'));
    reply({ status: 204 });
    this.world.later(null, 1, () => this.finish(name));
  }

  private finish(name: string): void {
    const live = this.live.get(name);
    if (!live) return;
    this.live.delete(name);
    const bridge = this.bridges.get(live.bridgeId);
    if (bridge) bridge.recording = null;
    this.stored.set(name, this.sample);
    const duration = Math.round((this.world.clock.now() - live.startedAt) / 1000);
    this.world.send({ type: 'RecordingFinished', recording: { name, format: live.format, target_uri: `bridge:${live.bridgeId}`, state: 'done', duration } });
  }
}
