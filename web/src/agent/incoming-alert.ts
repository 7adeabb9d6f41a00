// The incoming-call alert: a short two-tone chime made with WebAudio (no sound file), and, while
// the tab is hidden, the tab title alternating with "☎ Incoming call" until the agent comes back.
import { useEffect, useRef } from 'preact/hooks';

let audio: AudioContext | null = null;

export function chime(): void {
  try {
    const Ctx = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
    if (!Ctx) return;
    audio ??= new Ctx();
    void audio.resume?.();
    const start = audio.currentTime;
    [880, 1175].forEach((hz, i) => {
      const osc = audio!.createOscillator();
      const gain = audio!.createGain();
      osc.type = 'sine';
      osc.frequency.value = hz;
      const t0 = start + i * 0.18;
      gain.gain.setValueAtTime(0.0001, t0);
      gain.gain.exponentialRampToValueAtTime(0.25, t0 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t0 + 0.16);
      osc.connect(gain).connect(audio!.destination);
      osc.start(t0);
      osc.stop(t0 + 0.17);
    });
  } catch {
    /* no audio output: the title and the screen still show the call */
  }
}

/**
 * Alerts once per new call id (null: no call in progress). `loaded` is false until the desk
 * state first arrives: a call already there when the page opened is not news.
 */
export function useIncomingCallAlert(loaded: boolean, callId: string | null, title: string): void {
  const seen = useRef<string | null | undefined>(undefined);
  useEffect(() => {
    if (!loaded) return;
    if (seen.current === undefined) {
      seen.current = callId;
      return;
    }
    if (!callId || seen.current === callId) return;
    seen.current = callId;
    chime();
    if (!document.hidden) return;
    const original = document.title;
    let on = false;
    const timer = window.setInterval(() => {
      on = !on;
      document.title = on ? title : original;
    }, 1000);
    document.title = title;
    on = true;
    const stop = () => {
      if (document.hidden) return;
      window.clearInterval(timer);
      document.title = original;
      document.removeEventListener('visibilitychange', stop);
    };
    document.addEventListener('visibilitychange', stop);
    return () => {
      window.clearInterval(timer);
      document.title = original;
      document.removeEventListener('visibilitychange', stop);
    };
  }, [loaded, callId]);
}
