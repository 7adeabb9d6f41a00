// The contact's CRM page (`linkedit`): embedded when the CRM allows framing (or when that could
// not be checked), otherwise opened in a new tab; a button reopens it either way.
import { useEffect, useRef, useState } from 'preact/hooks';
import { useI18n } from '../i18n.ts';
import { webLink } from '../safe-link.ts';
import type { AgentState, DeskCall } from './types.ts';

/** The contact and its page: a new call to the same page is the same page (not reloaded). */
const pageKey = (call: DeskCall) => `${call.campaignId}/${call.contactId}/${call.linkedit ?? ''}`;

/**
 * What to show for `call` given the page already shown. A previewed contact's call, once
 * answered, is a new call (new id) whose page the server looks up and checks again
 * (`checking`, the link not known yet for a moment): the page already on screen for that same
 * contact stays meanwhile, so the frame, and what the agent scrolled or typed in it, is kept.
 */
function pageToShow(call: DeskCall | null, shown: DeskCall | null): DeskCall | null {
  if (!call || !shown || call.framing !== 'checking') return call;
  const sameContact = call.campaignId === shown.campaignId && call.contactId === shown.contactId;
  if (!sameContact || (call.linkedit !== null && call.linkedit !== shown.linkedit)) return call;
  return { ...call, linkedit: shown.linkedit, framing: shown.framing };
}

export function CrmPane(props: { call: DeskCall | null; agentState: AgentState | null; signedIn: boolean }) {
  const { t } = useI18n();
  const shown = useRef<DeskCall | null>(null);
  const call = pageToShow(props.call, shown.current);
  if (call && call.framing !== 'checking') shown.current = call;
  const link = webLink(call?.linkedit);
  const key = call ? pageKey(call) : null;
  const opened = useRef<string | null>(null);
  const [blocked, setBlocked] = useState(false);

  const openTab = () => {
    if (!link) return null;
    const w = window.open(link, 'ccs-crm');
    if (w) w.opener = null;
    setBlocked(w === null);
    return w;
  };

  // A page the CRM refuses to frame opens in its tab once per contact's page, not once per call.
  useEffect(() => {
    setBlocked(false);
    if (!call) opened.current = null;
    if (call && link && call.framing === 'denied' && opened.current !== key) {
      opened.current = key;
      openTab();
    }
  }, [key, call?.framing]);

  if (!call) {
    return (
      <div class="crm-empty" data-testid="crm-empty">
        <div class="big-icon">☎</div>
        <h2>{props.signedIn ? (props.agentState === 'paused' ? t('state.paused') : t('desk.waiting')) : t('desk.signInTitle')}</h2>
        <p class="muted">{props.agentState === 'paused' ? t('desk.pausedHint') : t('desk.waitingHint')}</p>
      </div>
    );
  }
  if (!call.linkedit) {
    return (
      <div class="crm-empty">
        <p class="muted">{t('desk.crmNone')}</p>
      </div>
    );
  }
  if (!link) {
    return (
      <div class="crm-empty" data-testid="crm-unsafe">
        <p class="muted">{t('desk.crmUnsafe')}</p>
        <code class="url">{call.linkedit}</code>
      </div>
    );
  }
  return (
    <div class="crm" data-testid="crm-pane" data-framing={call.framing}>
      <div class="crm-bar">
        <strong>{t('desk.crm')}</strong>
        <span class="url" title={call.linkedit}>
          {call.linkedit}
        </span>
        <button type="button" onClick={openTab} data-testid="crm-open-tab">
          {call.framing === 'denied' ? t('desk.crmReopen') : t('desk.crmOpenTab')}
        </button>
      </div>
      {call.framing === 'checking' && <div class="crm-empty muted">{t('desk.crmChecking')}</div>}
      {(call.framing === 'allowed' || call.framing === 'unknown') && (
        <iframe
          key={link}
          class="crm-frame"
          src={link}
          title={t('desk.crm')}
          data-testid="crm-frame"
          referrerpolicy="no-referrer"
          sandbox="allow-scripts allow-forms allow-same-origin allow-popups allow-popups-to-escape-sandbox allow-downloads"
        />
      )}
      {call.framing === 'denied' && (
        <div class="crm-empty" data-testid="crm-in-tab">
          <p>{blocked ? t('desk.crmBlocked') : t('desk.crmInTab')}</p>
          <button type="button" class="primary big" onClick={openTab}>
            {t('desk.crmReopen')}
          </button>
        </div>
      )}
    </div>
  );
}
