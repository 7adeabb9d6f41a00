// The app shell: session, language, top bar, and which page the path shows.
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { AgentDesktop } from './agent/agent-desktop.tsx';
import { LiveRegion } from './announce.ts';
import { api, ApiError, setCsrfToken, setUnauthorizedHandler, type SessionInfo } from './api.ts';
import { I18n, initialLang, saveLang, translator, useI18n, type Lang } from './i18n.ts';
import { LoginPage } from './login-page.tsx';
import { navigate, usePath } from './router.ts';
import { CampaignPage } from './supervisor/campaign-page.tsx';
import { Dashboard } from './supervisor/dashboard.tsx';
import { ReportsPage } from './supervisor/reports-page.tsx';
import { RecordingsPage } from './supervisor/recordings-page.tsx';
import { KioskLinksPage } from './supervisor/kiosk-links-page.tsx';
import { MonitoringPage } from './supervisor/monitoring-page.tsx';
import { DispositionsPage } from './supervisor/dispositions-page.tsx';
import { WallboardPage } from './wallboard/wallboard-page.tsx';

/** How long the top bar's "sign-out refused" message stays on screen. */
const SIGN_OUT_REFUSED_MS = 10_000;

const homeOf = (role: string) => (role === 'agent' ? '/agent' : '/supervisor');

export function App() {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const [session, setSession] = useState<SessionInfo | null>(null);
  const path = usePath();
  // A TV opens /wallboard?k=<kiosk token> without signing in.
  const kioskToken = path === '/wallboard' ? new URLSearchParams(location.search).get('k') : null;
  const i18n = useMemo(() => ({ lang, t: translator(lang), setLang: (l: Lang) => (saveLang(l), setLangState(l)) }), [lang]);

  const load = useCallback(async () => {
    const info = await api<SessionInfo>('/ui/session');
    setCsrfToken(info.csrfToken);
    setSession(info);
    return info;
  }, []);

  useEffect(() => {
    document.documentElement.lang = lang;
    setUnauthorizedHandler(() => {
      setCsrfToken(null);
      setSession((s) => (s ? { ...s, user: null, csrfToken: null } : s));
    });
    void load();
  }, []);

  useEffect(() => {
    if (!session) return;
    if (!session.user && path !== '/login' && kioskToken === null) navigate(`/login?next=${encodeURIComponent(path)}`);
    if (session.user && (path === '/' || path === '/login')) {
      const next = new URLSearchParams(location.search).get('next');
      navigate(next && next.startsWith('/') && !next.startsWith('//') && (next.startsWith(homeOf(session.user.role)) || (next === '/wallboard' && session.user.role !== 'agent')) ? next : homeOf(session.user.role));
    }
  }, [session, path]);

  const [signOutRefused, setSignOutRefused] = useState<string | null>(null);
  // The refusal answers one click: it goes after a while instead of staying over the rest of the shift.
  useEffect(() => {
    if (signOutRefused === null) return;
    const timer = window.setTimeout(() => setSignOutRefused(null), SIGN_OUT_REFUSED_MS);
    return () => window.clearTimeout(timer);
  }, [signOutRefused]);
  const signOut = async () => {
    setSignOutRefused(null);
    const refused = await api('/ui/logout', { method: 'POST' }).then(
      () => null,
      (err: unknown) => (err instanceof ApiError && err.status === 409 ? err : null),
    );
    // An agent in a call or its wrap-up stays signed in (CCS refuses, and says why).
    if (refused) return setSignOutRefused(i18n.t(`deskError.${refused.code}`, refused.message));
    setCsrfToken(null);
    setSession((s) => (s ? { ...s, user: null, csrfToken: null } : s));
    navigate('/login');
  };

  let page: ComponentChildren = <div class="centered muted">{i18n.t('app.loading')}</div>;
  const user = session?.user;
  if (session && !user) page = <LoginPage demo={session.demoAccounts} onSignedIn={load} />;
  else if (session && user) {
    const allowed = path.startsWith('/agent') ? user.role === 'agent' : path.startsWith('/supervisor') || path === '/wallboard' ? user.role !== 'agent' : true;
    if (!allowed) page = <Forbidden home={homeOf(user.role)} />;
    else if (path.startsWith('/agent')) page = <AgentDesktop user={user} timeZone={session.timeZone} />;
    else if (path.startsWith('/supervisor/campaigns/')) page = <CampaignPage id={Number(path.split('/')[3])} timeZone={session.timeZone} />;
    else if (path.startsWith('/supervisor/reports')) page = <ReportsPage timeZone={session.timeZone} />;
    else if (path.startsWith('/supervisor/recordings')) page = <RecordingsPage />;
    else if (path.startsWith('/supervisor/wallboard')) page = <KioskLinksPage />;
    else if (path.startsWith('/supervisor/monitoring')) page = <MonitoringPage />;
    else if (path.startsWith('/supervisor/dispositions')) page = <DispositionsPage />;
    else if (path.startsWith('/supervisor')) page = <Dashboard timeZone={session.timeZone} />;
  }

  // The wallboard fills the screen, without the top bar.
  if (session && path === '/wallboard' && (kioskToken !== null || (user && user.role !== 'agent'))) {
    return (
      <I18n.Provider value={i18n}>
        <WallboardPage token={kioskToken} timeZone={session.timeZone} />
      </I18n.Provider>
    );
  }

  return (
    <I18n.Provider value={i18n}>
      <div class="shell">
        <TopBar user={user ?? null} onSignOut={signOut} />
        <main class="page">
          {signOutRefused && (
            <p class="error" role="alert" data-testid="sign-out-refused">
              {signOutRefused}
            </p>
          )}
          {page}
        </main>
        <LiveRegion />
      </div>
    </I18n.Provider>
  );
}

function TopBar(props: { user: SessionInfo['user']; onSignOut(): void }) {
  const { t, lang, setLang } = useI18n();
  return (
    <header class="topbar">
      <a class="brand" href={props.user ? homeOf(props.user.role) : '/login'} onClick={(e) => (e.preventDefault(), navigate(props.user ? homeOf(props.user.role) : '/login'))}>
        <img src="/favicon.svg" alt="" width={22} height={22} />
        {t('app.name')}
      </a>
      <span class="spacer" />
      <div class="lang" role="group" aria-label={t('app.language')}>
        {(['vi', 'en'] as const).map((l) => (
          <button type="button" class={l === lang ? 'active' : ''} aria-pressed={l === lang} lang={l} data-testid={`lang-${l}`} onClick={() => setLang(l)}>
            {l === 'vi' ? 'Tiếng Việt' : 'English'}
          </button>
        ))}
      </div>
      {props.user && (
        <>
          <span class="who" data-testid="who">
            {props.user.username} · {t(`role.${props.user.role}`)}
          </span>
          <button type="button" class="link" data-testid="sign-out-ui" onClick={props.onSignOut}>
            {t('app.signOut')}
          </button>
        </>
      )}
    </header>
  );
}

function Forbidden(props: { home: string }) {
  const { t } = useI18n();
  return (
    <div class="centered" data-testid="forbidden">
      <h1>{t('app.forbidden')}</h1>
      <button type="button" class="primary" onClick={() => navigate(props.home)}>
        {t('app.goHome')}
      </button>
    </div>
  );
}
