// The wrap-up note saves itself: each change is sent to CCS shortly after the agent stops
// typing (kept with the attempt at once), so neither the wrap-up timer, nor Ready or Pause, nor
// a reload loses it. Ready, Pause and sign-out wait for the note in flight (`flushNotes`); a
// save that fails is tried again until it lands.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../api.ts';

const DEBOUNCE_MS = 500;
const RETRY_MS = 2000;
/** A note that cannot be saved for this long (CCS away) stops being retried; its text stays on screen. */
const MAX_RETRIES = 150;

export type NoteSaveState = 'saved' | 'saving' | 'unsaved' | 'failed';

const pending = new Set<() => Promise<void>>();

/** Saves every note typed but not yet sent (called before the desk's other actions). */
export async function flushNotes(): Promise<void> {
  await Promise.all([...pending].map((flush) => flush()));
}

export function useNoteAutosave(callId: string, note: string, initial: string): NoteSaveState {
  const [state, setState] = useState<NoteSaveState>('saved');
  const saved = useRef(initial);
  const latest = useRef(note);
  latest.current = note;
  const timer = useRef<number | null>(null);
  const inFlight = useRef<Promise<void> | null>(null);
  const retries = useRef(0);

  const flush = useRef(async (): Promise<void> => {
    if (timer.current !== null) window.clearTimeout(timer.current);
    timer.current = null;
    if (inFlight.current) await inFlight.current;
    const text = latest.current;
    if (text === saved.current) return;
    setState('saving');
    inFlight.current = api('/ui/agent/note', { method: 'POST', body: { callId, note: text } }).then(
      () => {
        retries.current = 0;
        saved.current = text;
        setState(latest.current === text ? 'saved' : 'unsaved');
      },
      (error: unknown) => {
        setState('failed');
        // Refused (not this agent's call any more): trying again would not help.
        const refused = error instanceof ApiError && error.status < 500;
        if (!refused && retries.current++ < MAX_RETRIES) timer.current = window.setTimeout(() => void flush.current(), RETRY_MS);
      },
    );
    await inFlight.current;
    inFlight.current = null;
  });

  useEffect(() => {
    if (note === saved.current) return;
    setState('unsaved');
    if (timer.current !== null) window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => void flush.current(), DEBOUNCE_MS);
  }, [note]);

  useEffect(() => {
    const f = () => flush.current();
    pending.add(f);
    // Leaving the page: the last keystrokes still go out.
    const leave = () => {
      if (latest.current !== saved.current) void api('/ui/agent/note', { method: 'POST', body: { callId, note: latest.current }, keepalive: true }).catch(() => undefined);
    };
    window.addEventListener('pagehide', leave);
    return () => {
      pending.delete(f);
      window.removeEventListener('pagehide', leave);
      // Unmounted (the next call replaced this one): what was typed is still sent.
      void f();
    };
  }, []);
  return state;
}
