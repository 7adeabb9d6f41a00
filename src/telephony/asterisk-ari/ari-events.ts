/**
 * The slice of ARI's data model the driver reads: channel, bridge, recording and playback
 * snapshots, and the events it acts on (as delivered by Asterisk 22 on the events
 * WebSocket; see the fixtures). Everything else Asterisk sends (ChannelVarset,
 * ChannelDialplan, ChannelConnectedLine...) is received as `OtherEvent` and ignored.
 */

export interface AriChannel {
  id: string;
  name: string;
  /** Down, Rsrvd, OffHook, Dialing, Ring, Ringing, Up, Busy, Dialing Offhook, Pre-ring, Unknown. */
  state: string;
  caller?: { name: string; number: string };
  dialplan?: { context: string; exten: string; priority: number; app_name?: string; app_data?: string };
  creationtime?: string;
  /** Variables listed in ari.conf `channelvars`; CCS sets CCS_CALL_ID. */
  channelvars?: Record<string, string>;
}

export interface AriBridge {
  id: string;
  technology: string;
  bridge_type: string;
  bridge_class?: string;
  name?: string;
  channels: string[];
}

export interface AriLiveRecording {
  name: string;
  format: string;
  state: string;
  target_uri?: string;
  duration?: number;
  cause?: string;
}

export interface AriPlayback {
  id: string;
  media_uri: string;
  target_uri: string;
  state: string;
}

export interface AriAsteriskInfo {
  status?: { startup_time?: string; last_reload_time?: string };
  system?: { entity_id?: string; version?: string };
}

interface Base {
  timestamp?: string;
  application?: string;
  asterisk_id?: string;
}

export type ChannelEvent =
  | (Base & { type: 'StasisStart'; channel: AriChannel; args: string[] })
  | (Base & { type: 'StasisEnd'; channel: AriChannel })
  | (Base & { type: 'ChannelStateChange'; channel: AriChannel })
  | (Base & { type: 'ChannelHangupRequest'; channel: AriChannel; cause?: number; soft?: boolean; tech_cause?: number })
  | (Base & { type: 'ChannelDestroyed'; channel: AriChannel; cause: number; cause_txt: string; tech_cause?: number })
  | (Base & { type: 'ChannelEnteredBridge'; channel: AriChannel; bridge: AriBridge })
  | (Base & { type: 'ChannelLeftBridge'; channel: AriChannel; bridge: AriBridge })
  /** `peer` is the dialled channel; only the first event of a dial carries `dialstring`. */
  | (Base & { type: 'Dial'; peer: AriChannel; caller?: AriChannel; dialstatus: string; dialstring?: string });

export type RecordingEvent =
  | (Base & { type: 'RecordingStarted'; recording: AriLiveRecording })
  | (Base & { type: 'RecordingFinished'; recording: AriLiveRecording })
  | (Base & { type: 'RecordingFailed'; recording: AriLiveRecording });

export type PlaybackEvent =
  | (Base & { type: 'PlaybackStarted'; playback: AriPlayback })
  | (Base & { type: 'PlaybackFinished'; playback: AriPlayback });

export type PresenceEvent =
  | (Base & { type: 'EndpointStateChange'; endpoint: { technology: string; resource: string; state?: string } })
  | (Base & { type: 'DeviceStateChanged'; device_state: { name: string; state: string } });

export type OtherEvent = Base & { type: string };

export type AriEvent = ChannelEvent | RecordingEvent | PlaybackEvent | PresenceEvent;

const CHANNEL_EVENTS = new Set<string>([
  'StasisStart',
  'StasisEnd',
  'ChannelStateChange',
  'ChannelHangupRequest',
  'ChannelDestroyed',
  'ChannelEnteredBridge',
  'ChannelLeftBridge',
  'Dial',
]);

export function isChannelEvent(event: OtherEvent): event is ChannelEvent {
  return CHANNEL_EVENTS.has(event.type);
}

export function isRecordingEvent(event: OtherEvent): event is RecordingEvent {
  return event.type === 'RecordingStarted' || event.type === 'RecordingFinished' || event.type === 'RecordingFailed';
}

export function isPlaybackEvent(event: OtherEvent): event is PlaybackEvent {
  return event.type === 'PlaybackStarted' || event.type === 'PlaybackFinished';
}

export function isPresenceEvent(event: OtherEvent): event is PresenceEvent {
  return event.type === 'EndpointStateChange' || event.type === 'DeviceStateChanged';
}

/** The channel a channel event is about (for `Dial`, the dialled channel). */
export function channelIdOf(event: ChannelEvent): string | undefined {
  return event.type === 'Dial' ? event.peer?.id : event.channel?.id;
}
