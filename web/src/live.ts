// Live updates from /ui/events (server-sent events); the browser reconnects by itself.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from './api.ts';

export interface LiveEvent {
  type: string;
  [key: string]: unknown;
}

/** Subscribes while mounted; returns whether the stream is connected. */
export function useLiveEvents(onEvent: (event: LiveEvent) => void): boolean {
  return useLiveStream(onEvent).connected;
}

/** Without a beat (sent every 2 s) for this long, the service is asked whether it is there. */
const BEAT_SILENCE_MS = 2800;
const PING_TIMEOUT_MS = 1000;

/** Whether CCS answers at all (its liveness check), within a short time. */
async function serviceAnswers(): Promise<boolean> {
  const abort = new AbortController();
  const timer = window.setTimeout(() => abort.abort(), PING_TIMEOUT_MS);
  try {
    return (await fetch('/healthz', { cache: 'no-store', signal: abort.signal })).ok;
  } catch {
    return false;
  } finally {
    window.clearTimeout(timer);
  }
}

/**
 * The live stream, watched: `lost` turns true within about 5 s of the service going away (the
 * stream fails or its beats stop, and the liveness check gets no answer) and false again when
 * it answers; the stream is then reopened if the browser gave up on it.
 */
export function useLiveStream(onEvent: (event: LiveEvent) => void): { connected: boolean; lost: boolean } {
  const [connected, setConnected] = useState(false);
  const [lost, setLost] = useState(false);
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useEffect(() => {
    let source: EventSource | null = null;
    let lastSign = Date.now();
    let checking = false;
    let isLost = false;
    let stopped = false;
    const open = () => {
      source?.close();
      const s = new EventSource('/ui/events');
      source = s;
      s.onopen = () => ((lastSign = Date.now()), setConnected(true));
      s.onerror = () => {
        setConnected(false);
        void check();
      };
      s.addEventListener('beat', () => (lastSign = Date.now()));
      s.onmessage = (message) => {
        lastSign = Date.now();
        try {
          const event = JSON.parse(message.data) as LiveEvent;
          if (event.type === 'hello') setConnected(true);
          handler.current(event);
        } catch {
          /* ignore malformed */
        }
      };
    };
    const check = async () => {
      if (checking || stopped) return;
      checking = true;
      const up = await serviceAnswers();
      checking = false;
      if (stopped) return;
      if (!up) {
        isLost = true;
        setLost(true);
        return;
      }
      if (isLost || source?.readyState === EventSource.CLOSED || Date.now() - lastSign > BEAT_SILENCE_MS) {
        // Back (or the stream stalled): a fresh stream; its hello makes the page catch up.
        isLost = false;
        setLost(false);
        lastSign = Date.now();
        open();
      }
    };
    open();
    const watch = window.setInterval(() => {
      if (isLost || Date.now() - lastSign > BEAT_SILENCE_MS) void check();
    }, 500);
    return () => {
      stopped = true;
      window.clearInterval(watch);
      source?.close();
    };
  }, []);
  return { connected, lost };
}

/** Calls `fn` at most once per `ms`, trailing call included (for refetch on bursts of events). */
export function useThrottled(fn: () => void, ms: number): () => void {
  const state = useRef<{ timer: number | null; last: number; fn: () => void }>({ timer: null, last: 0, fn });
  state.current.fn = fn;
  useEffect(() => () => {
    if (state.current.timer !== null) window.clearTimeout(state.current.timer);
  }, []);
  return () => {
    const s = state.current;
    if (s.timer !== null) return;
    const wait = Math.max(0, s.last + ms - Date.now());
    s.timer = window.setTimeout(() => {
      s.timer = null;
      s.last = Date.now();
      s.fn();
    }, wait);
  };
}

/** Re-renders every `ms` (running timers). */
export function useTick(ms = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = window.setInterval(() => setNow(Date.now()), ms);
    return () => window.clearInterval(id);
  }, [ms]);
  return now;
}

/**
 * Reads `path` now, every `ms` and whenever `path` or `refreshKey` changes; keeps the last
 * answer through a failed read (null until the first one arrives).
 */
export function usePolled<T>(path: string, ms: number, refreshKey = ''): T | null {
  const [data, setData] = useState<T | null>(null);
  useEffect(() => {
    let live = true;
    const load = () =>
      api<T>(path)
        .then((d) => live && setData(d))
        .catch(() => {});
    void load();
    const timer = window.setInterval(load, ms);
    return () => {
      live = false;
      window.clearInterval(timer);
    };
  }, [path, ms, refreshKey]);
  return data;
}
