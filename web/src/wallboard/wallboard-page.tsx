// The wallboard: a full-screen view of the floor for a TV, readable across a room at 1920×1080
// and 1280×720. Opened by a signed-in supervisor or with a kiosk link (/wallboard?k=<token>,
// read-only, no sign-in). Figures arrive over /ui/wallboard/events; a revoked or unknown link
// shows a page that says so, and a `lang` parameter (vi, en) picks the language of a TV.
import { useEffect, useState } from 'preact/hooks';
import { percent } from '../format.ts';
import { useI18n, type Lang } from '../i18n.ts';
import { useTick } from '../live.ts';
import { fill } from '../value-texts.ts';
import { AGENT_STATES, wallboardFigures, type WallboardSnapshot } from './wallboard-data.ts';
import './wallboard.css';

type Status = 'connecting' | 'live' | 'reconnecting' | 'revoked' | 'unknown' | 'signed-out';
type Check = 'ok' | 'down' | 'revoked' | 'unknown' | 'signed-out';

/** A stream silent this long (it pushes every 2 s) is checked and reopened. */
const SILENCE_MS = 6000;

function useWallboardStream(token: string | null) {
  const [snapshot, setSnapshot] = useState<{ data: WallboardSnapshot; receivedAt: number } | null>(null);
  const [status, setStatus] = useState<Status>('connecting');
  useEffect(() => {
    const query = token ? `?k=${encodeURIComponent(token)}` : '';
    let source: EventSource | null = null;
    let stopped = false;
    let checking = false;
    let reopen: number | null = null;
    let lastSign = Date.now();
    const show = (data: WallboardSnapshot) => setSnapshot({ data, receivedAt: Date.now() });
    const finish = (end: Status) => {
      stopped = true;
      source?.close();
      setStatus(end);
    };
    const check = async (): Promise<Check> => {
      try {
        const r = await fetch(`/ui/wallboard${query}`, { cache: 'no-store', credentials: 'same-origin', headers: { accept: 'application/json' } });
        if (r.status === 410) return 'revoked';
        if (r.status === 401 || r.status === 403) return token ? 'unknown' : 'signed-out';
        if (!r.ok) return 'down';
        show((await r.json()) as WallboardSnapshot);
        return 'ok';
      } catch {
        return 'down';
      }
    };
    const open = () => {
      source?.close();
      lastSign = Date.now();
      const s = new EventSource(`/ui/wallboard/events${query}`);
      source = s;
      s.onmessage = (message) => {
        lastSign = Date.now();
        try {
          const event = JSON.parse(message.data) as { type: string } & WallboardSnapshot;
          if (event.type === 'wallboard') show(event);
          setStatus('live');
        } catch {
          /* ignore malformed */
        }
      };
      s.addEventListener('revoked', () => finish('revoked'));
      s.onerror = () => void recheck();
    };
    const recheck = async () => {
      if (checking || stopped) return;
      checking = true;
      setStatus('reconnecting');
      const result = await check();
      checking = false;
      if (stopped) return;
      if (result === 'revoked' || result === 'unknown' || result === 'signed-out') return finish(result);
      if (result === 'ok' || source?.readyState === EventSource.CLOSED || Date.now() - lastSign > SILENCE_MS) {
        if (reopen === null) reopen = window.setTimeout(() => ((reopen = null), stopped || open()), result === 'ok' ? 0 : 2000);
      }
    };
    void check().then((result) => {
      if (stopped) return;
      if (result === 'revoked' || result === 'unknown' || result === 'signed-out') return finish(result);
      open();
    });
    const watch = window.setInterval(() => {
      if (!stopped && Date.now() - lastSign > SILENCE_MS) void recheck();
    }, 1000);
    return () => {
      stopped = true;
      window.clearInterval(watch);
      if (reopen !== null) window.clearTimeout(reopen);
      source?.close();
    };
  }, [token]);
  return { snapshot, status };
}

const mmss = (seconds: number) => {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(h ? 2 : 1, '0');
  return `${h ? `${h}:` : ''}${mm}:${String(s % 60).padStart(2, '0')}`;
};

export function WallboardPage(props: { token: string | null; timeZone: string }) {
  const { t, lang, setLang } = useI18n();
  useEffect(() => {
    const wanted = new URLSearchParams(location.search).get('lang');
    if ((wanted === 'vi' || wanted === 'en') && wanted !== lang) setLang(wanted as Lang);
    document.title = t('wb.title');
  }, [lang]);
  const { snapshot, status } = useWallboardStream(props.token);
  const now = useTick(1000);

  if (status === 'revoked' || status === 'unknown' || status === 'signed-out') {
    const key = status === 'revoked' ? 'revoked' : status === 'unknown' ? 'unknown' : 'signedOut';
    return (
      <main class="wb wb-ended" data-testid={`wallboard-${status}`}>
        <div role="alert">
          <h1>{t(`wb.${key}Title`)}</h1>
          <p>{t(`wb.${key}Body`)}</p>
          {status === 'signed-out' && <a href={`/login?next=${encodeURIComponent('/wallboard')}`}>{t('login.submit')}</a>}
        </div>
      </main>
    );
  }

  const clock = new Intl.DateTimeFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', { hour: '2-digit', minute: '2-digit', timeZone: props.timeZone, hour12: false }).format(now);
  const f = snapshot && wallboardFigures(snapshot.data);
  const age = snapshot ? Math.floor((now - snapshot.receivedAt) / 1000) : 0;
  return (
    <main class={`wb ${status === 'live' ? '' : 'wb-stale'}`} data-testid="wallboard" data-status={status}>
      <header class="wb-head">
        <h1>{t('wb.title')}</h1>
        <span class={`wb-conn ${status === 'live' ? 'ok' : 'bad'}`} data-testid="wallboard-status">
          {status === 'live' ? t('wb.live') : t('wb.reconnecting')}
        </span>
        <span class="wb-clock">{clock}</span>
        <div class="wb-lang" role="group" aria-label={t('app.language')}>
          {(['vi', 'en'] as const).map((l) => (
            <button type="button" class={l === lang ? 'active' : ''} aria-pressed={l === lang} lang={l} onClick={() => setLang(l)}>
              {l.toUpperCase()}
            </button>
          ))}
        </div>
      </header>
      {!f || !snapshot ? (
        <p class="wb-wait">{t('app.loading')}</p>
      ) : (
        <>
          <section class="wb-tiles" aria-label={t('wb.title')}>
            <Tile label={t('wb.liveCalls')} value={String(f.calls.total)} testid="wb-live-calls">
              {f.calls.ringing} {t('wb.ringing')} · {f.calls.talking} {t('wb.talking')}
              {f.calls.waiting > 0 && ` · ${f.calls.waiting} ${t('wb.waiting')}`}
            </Tile>
            <Tile label={t('wb.agents')} value={String(f.agentsOnline)} testid="wb-agents">
              <span class="wb-states">
                {AGENT_STATES.map((s) => (
                  <span class={`wb-state s-${s}`} data-testid={`wb-agents-${s}`} data-count={f.agentsBy[s]}>
                    <b>{f.agentsBy[s]}</b> {t(`state.${s}`)}
                  </span>
                ))}
              </span>
            </Tile>
            <Tile label={t('wb.answerRate')} value={percent(f.answerRate)} testid="wb-answer-rate">
              {fill(t('wb.answerDetail'), { answered: f.answered, dialled: f.dialled })}
            </Tile>
            <Tile label={t('wb.abandonRate')} value={percent(f.abandonRate)} warn={f.overCap} testid="wb-abandon">
              {f.abandonCap === null ? t('wb.noCap') : fill(t('wb.cap'), { cap: percent(f.abandonCap) })}
              {f.overCap && <strong class="wb-over"> · {t('wb.overCap')}</strong>}
            </Tile>
            <Tile label={t('wb.callbacksDue')} value={snapshot.data.callbacks ? String(snapshot.data.callbacks.due) : '–'} warn={(snapshot.data.callbacks?.due ?? 0) > 0} testid="wb-callbacks">
              {snapshot.data.callbacks && fill(t('wb.nextHour'), { n: snapshot.data.callbacks.nextHour })}
            </Tile>
            <Tile label={t('wb.crmBacklog')} value={String(snapshot.data.crm.pending)} warn={snapshot.data.crm.dead > 0} testid="wb-crm">
              {snapshot.data.crm.dead > 0 ? fill(t('wb.crmDead'), { n: snapshot.data.crm.dead }) : snapshot.data.crm.oldestPendingAgeSeconds !== null ? fill(t('wb.crmOldest'), { age: mmss(snapshot.data.crm.oldestPendingAgeSeconds) }) : t('wb.crmClear')}
            </Tile>
          </section>
          <section class="wb-agents" aria-labelledby="wb-agents-title">
            <h2 id="wb-agents-title">{t('wb.agentList')}</h2>
            {f.agentsOnline === 0 ? (
              <p class="wb-wait">{t('wb.noAgents')}</p>
            ) : (
              <ul class={`wb-agent-grid ${f.agentsOnline > 24 ? 'dense' : ''}`} data-testid="wb-agent-list">
                {snapshot.data.agents
                  .filter((a) => a.state !== 'offline')
                  .map((a) => {
                    const shown = a.state === 'reserved' ? 'talking' : a.state;
                    return (
                      <li class={`wb-agent s-${shown}`} data-testid="wb-agent" data-agent={a.agentcode} data-state={a.state}>
                        <span class="wb-agent-code">{a.agentcode.replace(/^Agent\//, '')}</span>
                        <span class="wb-agent-state">{t(`state.${a.state}`)}</span>
                        <span class="wb-agent-time">{mmss(a.secondsInState + age)}</span>
                      </li>
                    );
                  })}
              </ul>
            )}
          </section>
        </>
      )}
    </main>
  );
}

function Tile(props: { label: string; value: string; warn?: boolean; testid: string; children?: preact.ComponentChildren }) {
  return (
    <div class={`wb-tile ${props.warn ? 'warn' : ''}`} data-testid={props.testid}>
      <div class="wb-label">{props.label}</div>
      <div class="wb-value" data-testid={`${props.testid}-value`}>
        {props.value}
      </div>
      {props.children && <div class="wb-detail">{props.children}</div>}
    </div>
  );
}
