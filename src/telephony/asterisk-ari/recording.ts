/**
 * The recording of one call's bridge, named `ccs-<callId>`: started with
 * `POST /bridges/{id}/record` once customer and agent are bridged, stopped with
 * `POST /recordings/live/{name}/stop` when the call ends, then (after `RecordingFinished`,
 * or a short wait for it) downloaded from `GET /recordings/stored/{name}/file` into the
 * RecordingStore, as a source the store may read again: when the store retries a failed
 * write, the file is downloaded again (Asterisk keeps it until it is stored here; with
 * `deleteStoredRecordings` it is removed only after that). `collect()` never throws; each
 * download is bounded by the fetch timeout and the store's retries by its own bound, so the
 * call's `ended` is held back at most that long. Any failure (record refused with 500/422,
 * RecordingFailed, 404 on the file, a slow download, a store that stayed unwritable) becomes
 * `{status:'failed', reason}`.
 *
 * States: idle → starting → recording → finished; failed from any; collect() at the end.
 */
import type { RecordingOutcome } from '../../ports/telephony.ts';
import type { RecordingEvent } from './ari-events.ts';
import { isAriError } from './ari-http.ts';
import { deferred, errorText, type DriverContext, type RouteListener } from './driver-context.ts';

/** How long `collect()` waits for `RecordingFinished` before fetching the file anyway. */
const FINISH_WAIT_MS = 2000;

export class BridgeRecording {
  readonly name: string;
  private state: 'idle' | 'starting' | 'recording' | 'finished' | 'failed' = 'idle';
  private failure = '';
  private readonly finished = deferred<void>();
  private readonly listener: RouteListener = (event) => this.onEvent(event as RecordingEvent);

  constructor(
    private readonly ctx: DriverContext,
    private readonly callId: string,
  ) {
    this.name = `ccs-${callId}`;
  }

  get requested(): boolean {
    return this.state !== 'idle';
  }

  /** A recording another process started and Asterisk still makes: stopped and fetched at the end as usual. */
  adoptLive(): void {
    if (this.state !== 'idle') return;
    this.state = 'recording';
    this.ctx.route(`recording:${this.name}`, this.listener);
  }

  async start(bridgeId: string): Promise<void> {
    if (this.state !== 'idle') return;
    this.state = 'starting';
    this.ctx.route(`recording:${this.name}`, this.listener);
    const { config } = this.ctx;
    try {
      await this.ctx.http.post(`/bridges/${encodeURIComponent(bridgeId)}/record`, {
        name: this.name,
        format: config.recordingFormat,
        maxDurationSeconds: config.maxRecordingSeconds,
        maxSilenceSeconds: 0,
        ifExists: 'overwrite',
        beep: false,
        terminateOn: 'none',
      });
      if (this.state === 'starting') this.state = 'recording';
    } catch (error) {
      this.fail(`recording not started: ${errorText(error)}`);
    }
  }

  /** Asks Asterisk to close the file; a recording already finished (404) is fine. */
  async stop(): Promise<void> {
    if (this.state !== 'recording' && this.state !== 'starting') return;
    try {
      await this.ctx.http.post(`/recordings/live/${encodeURIComponent(this.name)}/stop`);
    } catch (error) {
      if (!isAriError(error, 'not-found')) this.ctx.logger.warn({ callId: this.callId, err: errorText(error) }, 'could not stop the recording');
    }
  }

  /** Downloads and stores the finished recording. Never throws. `onRetrying`: the store keeps trying a refused write. */
  async collect(onRetrying?: () => void): Promise<RecordingOutcome> {
    try {
      if (this.state === 'idle') return { status: 'none', reason: 'not recorded' };
      if (this.state === 'failed') return { status: 'failed', reason: this.failure };
      return await this.fetch(onRetrying);
    } finally {
      this.ctx.unroute(`recording:${this.name}`, this.listener);
    }
  }

  private async fetch(onRetrying?: () => void): Promise<RecordingOutcome> {
    const { clock, config, http, recordings } = this.ctx;
    const path = `/recordings/stored/${encodeURIComponent(this.name)}/file`;
    // Each download is bounded by the fetch timeout; a store that retries a failed write asks
    // for the file again (Asterisk keeps it until it is stored here).
    const limits: { cancel(): void }[] = [];
    let timedOut = false;
    let unread: AsyncIterable<Uint8Array> | null = null;
    const download = async () => {
      const controller = new AbortController();
      limits.push(
        clock.setTimer(config.recordingFetchTimeoutMs, () => {
          timedOut = true;
          controller.abort();
        }),
      );
      return http.file(path, controller.signal);
    };
    try {
      if (this.state !== 'finished') {
        const waited = deferred<void>();
        const timer = clock.setTimer(Math.min(FINISH_WAIT_MS, config.recordingFetchTimeoutMs), () => waited.resolve());
        await Promise.race([this.finished.promise, waited.promise]);
        timer.cancel();
      }
      if (this.state === 'failed') return { status: 'failed', reason: this.failure };
      const first = await download();
      let firstBody: typeof first.body | null = first.body;
      unread = first.body;
      const source = async () => {
        if (firstBody) {
          const body = firstBody;
          firstBody = null;
          unread = null;
          return body;
        }
        timedOut = false;
        return (await download()).body;
      };
      const stored = await recordings.save(this.callId, first.contentType.split(';')[0]!.trim() || 'audio/wav', source, onRetrying ? { onRetrying } : undefined);
      if (config.deleteStoredRecordings) {
        http.delete(`/recordings/stored/${encodeURIComponent(this.name)}`).catch((error) =>
          this.ctx.logger.debug({ callId: this.callId, err: errorText(error) }, 'stored recording not removed from Asterisk'),
        );
      }
      return { status: 'saved', key: stored.key };
    } catch (error) {
      const reason = timedOut ? `recording not fetched within ${config.recordingFetchTimeoutMs} ms` : `recording not fetched: ${errorText(error)}`;
      this.ctx.logger.warn({ callId: this.callId, reason, asteriskRecording: this.name }, 'recording lost (Asterisk keeps its stored copy)');
      return { status: 'failed', reason };
    } finally {
      for (const limit of limits) limit.cancel();
      // A download the store never read must not hold its connection.
      (unread as { dump?(): Promise<void> } | null)?.dump?.().catch(() => {});
    }
  }

  private onEvent(event: RecordingEvent): void {
    switch (event.type) {
      case 'RecordingStarted':
        if (this.state === 'starting') this.state = 'recording';
        return;
      case 'RecordingFinished':
        if (this.state !== 'failed') this.state = 'finished';
        this.finished.resolve();
        return;
      case 'RecordingFailed':
        this.fail(`recording failed in Asterisk: ${event.recording.cause ?? 'no cause given'}`);
        return;
    }
  }

  private fail(reason: string): void {
    if (this.state === 'failed') return;
    this.state = 'failed';
    this.failure = reason;
    this.finished.resolve();
    this.ctx.logger.warn({ callId: this.callId, reason }, 'recording failed');
  }
}
