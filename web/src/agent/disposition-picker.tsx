// The call's disposition at wrap-up: the campaign profile's codes (number keys 1–9 pick one),
// and for a callback code the scheduler: when, for me or for anyone, and — before saving —
// when the call can really happen (campaign window, calling hours, frequency caps), asked of
// the server as the time changes. `register` hands the wrap-up panel a submit function that
// saves the choice (true when saved, or when none is needed).
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { fill } from '../value-texts.ts';
import { typingIn } from './desk-keys.ts';
import { fromLocalInput, toLocalInput } from './zoned-input.ts';
import type { DeskCall } from './types.ts';

interface Code {
  code: string;
  label: { vi: string; en: string };
  effect: 'final' | 'retry' | 'callback' | 'dnc' | 'wrong-number';
}
interface Codes {
  required: boolean;
  codes: Code[];
  disposition: string | null;
}
interface Fit {
  at: number | null;
  local: string | null;
  reason: string | null;
}

const QUICK_MINUTES = [5, 30, 60, 24 * 60];

export function DispositionPicker(props: {
  call: DeskCall;
  agentCode: string;
  timeZone: string;
  serverNow(): number;
  register(submit: () => Promise<boolean>): void;
}) {
  const { t, lang } = useI18n();
  const [codes, setCodes] = useState<Codes | null>(null);
  const [picked, setPicked] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [when, setWhen] = useState<string>(() => toLocalInput(props.serverNow() + 30 * 60_000, props.timeZone));
  const [forMe, setForMe] = useState(true);
  const [fit, setFit] = useState<Fit | null>(null);
  const callId = props.call.callId;

  useEffect(() => {
    let live = true;
    api<Codes>(`/ui/agent/dispositions?callId=${encodeURIComponent(callId)}`)
      .then((c) => {
        if (!live) return;
        setCodes(c);
        if (c.disposition) setSaved(c.disposition);
      })
      .catch(() => live && setCodes({ required: false, codes: [], disposition: null }));
    return () => {
      live = false;
    };
  }, [callId]);

  const code = codes?.codes.find((c) => c.code === (saved ?? picked)) ?? null;
  const isCallback = code?.effect === 'callback' && !saved;
  const wantedAt = fromLocalInput(when, props.timeZone);

  // The real time of the callback, asked again whenever the wanted time changes.
  useEffect(() => {
    if (!isCallback || wantedAt === null) return setFit(null);
    let live = true;
    api<Fit>(`/ui/agent/callback-time?callId=${encodeURIComponent(callId)}&at=${wantedAt}`)
      .then((f) => live && setFit(f))
      .catch(() => live && setFit(null));
    return () => {
      live = false;
    };
  }, [isCallback, wantedAt, callId]);

  // Number keys pick a code (not while typing in a field). The listener is bound once, at mount,
  // and reads the codes through a ref set while rendering: an effect bound when the codes arrive
  // runs only after the next paint, so a key pressed as the picker appears would be lost.
  const keyState = useRef({ codes, saved });
  keyState.current = { codes, saved };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const { codes: known, saved: done } = keyState.current;
      if (done || e.defaultPrevented || e.ctrlKey || e.altKey || e.metaKey || typingIn(e.target)) return;
      const n = Number(e.key);
      if (!Number.isInteger(n) || n < 1 || n > 9 || !known || n > known.codes.length) return;
      e.preventDefault();
      setPicked(known.codes[n - 1]!.code);
      setError(null);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const submit = async (): Promise<boolean> => {
    if (saved) return true;
    if (!picked) {
      if (codes?.required) {
        setError(t('disp.pickFirst'));
        return false;
      }
      return true;
    }
    const body: Record<string, unknown> = { callId, code: picked };
    if (isCallback) {
      if (wantedAt === null || fit?.at === null) {
        setError(t('cb.impossible'));
        return false;
      }
      body.callback = { at: wantedAt, forAgent: forMe ? props.agentCode : null };
    }
    try {
      await api('/ui/agent/disposition', { method: 'POST', body });
      setSaved(picked);
      setError(null);
      return true;
    } catch (err) {
      setError(err instanceof ApiError ? t(`dispError.${err.code}`, err.message) : String(err));
      return false;
    }
  };
  props.register(submit);

  // The state panel's Ready (and its R key) makes the agent ready too: the picked code is saved
  // first, and a required one missing keeps the agent in wrap-up, as with "Save & ready".
  const passing = useRef(false);
  useEffect(() => {
    const onClick = (e: MouseEvent) => {
      const button = (e.target as Element | null)?.closest?.('[data-testid=ready]') as HTMLButtonElement | null;
      if (!button || passing.current || saved || (!picked && !codes?.required)) return;
      e.preventDefault();
      e.stopImmediatePropagation();
      void submit().then((ok) => {
        if (!ok) return;
        passing.current = true;
        button.click();
        passing.current = false;
      });
    };
    document.addEventListener('click', onClick, true);
    return () => document.removeEventListener('click', onClick, true);
  });

  if (!codes || codes.codes.length === 0) return null;
  const label = (c: Code) => (lang === 'en' ? c.label.en : c.label.vi);

  return (
    <fieldset class="stack disposition" data-testid="disposition" data-required={codes.required ? 'true' : 'false'}>
      <legend>
        {t('disp.title')}
        {codes.required && <span class="muted"> · {t('disp.required')}</span>}
      </legend>
      <div class="disposition-codes" role="radiogroup" aria-label={t('disp.title')}>
        {codes.codes.map((c, i) => (
          <label key={c.code} class={`disposition-code ${(saved ?? picked) === c.code ? 'picked' : ''}`}>
            <input
              type="radio"
              name={`disposition-${callId}`}
              value={c.code}
              checked={(saved ?? picked) === c.code}
              disabled={saved !== null}
              onChange={() => (setPicked(c.code), setError(null))}
              data-testid={`disposition-${c.code}`}
            />
            <kbd aria-hidden="true">{i + 1}</kbd> {label(c)}
          </label>
        ))}
      </div>
      <p class="muted small">{t('disp.keysHint')}</p>
      {isCallback && (
        <div class="stack callback-scheduler" data-testid="callback-scheduler">
          <strong>{t('cb.title')}</strong>
          <label>
            {t('cb.when')}
            <input type="datetime-local" value={when} onInput={(e) => setWhen(e.currentTarget.value)} data-testid="callback-when" />
          </label>
          <div class="row gap wrap">
            {QUICK_MINUTES.map((m) => (
              <button type="button" key={m} onClick={() => setWhen(toLocalInput(props.serverNow() + m * 60_000, props.timeZone))} data-testid={`callback-in-${m}`}>
                {m < 60 ? fill(t('cb.inMinutes'), { n: m }) : m < 24 * 60 ? fill(t('cb.inHours'), { n: m / 60 }) : t('cb.tomorrow')}
              </button>
            ))}
          </div>
          <div class="row gap" role="radiogroup" aria-label={t('cb.for')}>
            <label class="choice">
              <input type="radio" name={`cb-for-${callId}`} checked={forMe} onChange={() => setForMe(true)} data-testid="callback-for-me" /> {t('cb.forMe')}
            </label>
            <label class="choice">
              <input type="radio" name={`cb-for-${callId}`} checked={!forMe} onChange={() => setForMe(false)} data-testid="callback-for-anyone" /> {t('cb.forAnyone')}
            </label>
          </div>
          <p class={fit && fit.at === null ? 'error' : 'muted'} aria-live="polite" data-testid="callback-earliest" data-at={fit?.at ?? ''}>
            {fit === null ? '' : fit.at === null ? t('cb.impossible') : fill(t('cb.earliest'), { time: fit.local ?? '' }) + (fit.reason && fit.at !== wantedAt ? ` · ${t('cb.moved')}` : '')}
          </p>
        </div>
      )}
      {!saved && picked && (
        <button type="button" onClick={() => void submit()} data-testid="disposition-save">
          {t('disp.save')}
        </button>
      )}
      {saved && (
        <p class="ok" data-testid="disposition-saved">
          {fill(t('disp.saved'), { label: code ? label(code) : saved })}
        </p>
      )}
      {error && (
        <p class="error" role="alert" data-testid="disposition-error">
          {error}
        </p>
      )}
    </fieldset>
  );
}
