// Live updates from /ui/events (server-sent events); the browser reconnects by itself.
import { useEffect, useRef, useState } from 'preact/hooks';

export interface LiveEvent {
  type: string;
  [key: string]: unknown;
}

/** Subscribes while mounted; returns whether the stream is connected. */
export function useLiveEvents(onEvent: (event: LiveEvent) => void): boolean {
  const [connected, setConnected] = useState(false);
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useEffect(() => {
    const source = new EventSource('/ui/events');
    source.onopen = () => setConnected(true);
    source.onerror = () => setConnected(false);
    source.onmessage = (message) => {
      try {
        const event = JSON.parse(message.data) as LiveEvent;
        if (event.type === 'hello') setConnected(true);
        handler.current(event);
      } catch {
        /* ignore malformed */
      }
    };
    return () => source.close();
  }, []);
  return connected;
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
