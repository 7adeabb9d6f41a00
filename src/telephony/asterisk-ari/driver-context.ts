/**
 * What the parts of the ARI driver (customer legs, agent connections, nailed-up agents,
 * recordings) share: settings, the REST client, time, the recording store, the way out for
 * port events, and the event router. ARI events are routed by key: a channel id, or
 * `recording:<name>`, or `playback:<id>`; the owner of a key registers before it sends the
 * request that creates the thing, because Asterisk's events can beat the HTTP response.
 */
import type { Clock } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import type { RecordingStore } from '../../ports/recording-store.ts';
import type { TelephonyEvent } from '../../ports/telephony.ts';
import type { AriConfig } from './ari-config.ts';
import type { OtherEvent } from './ari-events.ts';
import { isAriError, type AriHttp, type Query } from './ari-http.ts';

export type RouteListener = (event: OtherEvent) => void;

export interface DriverContext {
  readonly config: Readonly<AriConfig>;
  readonly http: AriHttp;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly recordings: RecordingStore;
  emit(event: TelephonyEvent): void;
  route(key: string, listener: RouteListener): void;
  /** Removes the route of `key` (only if it is still `listener`'s, when given). */
  unroute(key: string, listener?: RouteListener): void;
  /** A fresh unique id (for agent legs and bridges). */
  newId(): string;
  /** Whether ARI is connected and synchronised. */
  isUp(): boolean;
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: Error): void;
  settled: boolean;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {}); // a rejection nobody waits for is not an error
  const d: Deferred<T> = {
    promise,
    settled: false,
    resolve: (value) => {
      if (d.settled) return;
      d.settled = true;
      resolve(value);
    },
    reject: (error) => {
      if (d.settled) return;
      d.settled = true;
      reject(error);
    },
  };
  return d;
}

export const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Pauses before asking again when Asterisk answers 409 "Channel not in Stasis application". */
const NOT_IN_STASIS_RETRY_MS = [100, 200, 400, 800, 1600];

/**
 * `POST /channels/{id}/<action>` on a channel made by `channels/create`: Asterisk 22.9 answers
 * the create before the channel is in the application, and a `dial` sent at once can get 409
 * "Channel not in Stasis application" (seen live); the request is repeated a few times, bounded,
 * unless `abandoned()` says the channel is no longer wanted.
 */
export async function postOnNewChannel(ctx: DriverContext, channelId: string, action: string, query: Query, abandoned: () => boolean): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await ctx.http.post(`/channels/${encodeURIComponent(channelId)}/${action}`, query);
      return;
    } catch (error) {
      const pause = NOT_IN_STASIS_RETRY_MS[attempt];
      if (!isAriError(error, 'conflict') || pause === undefined || abandoned()) throw error;
      await new Promise<void>((resolve) => ctx.clock.setTimer(pause, resolve));
    }
  }
}
