// Campaigns with their progress and the close action (same semantics as the CRM's closeCampaign).
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { announce } from '../announce.ts';
import { api } from '../api.ts';
import { percent, shortDatetime } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { navigate } from '../router.ts';
import { dialModeText, errorText, fill } from '../value-texts.ts';
import type { CampaignView } from './types.ts';

export function CampaignState(props: { campaign: CampaignView }) {
  const { t } = useI18n();
  const c = props.campaign;
  return (
    <span class={`pill cs-${c.state}`} data-testid="campaign-state" data-state={c.state}>
      {t(`campaignState.${c.state}`)}
      {c.finishStatus && ` · ${t(`finish.${c.finishStatus}`)}`}
    </span>
  );
}

export function Progress(props: { done: number; total: number }) {
  const share = props.total ? props.done / props.total : 0;
  return (
    <div class="progress" title={percent(share)}>
      <div class="bar" style={{ width: `${Math.round(share * 100)}%` }} />
      <span>
        {props.done}/{props.total}
      </span>
    </div>
  );
}

/**
 * Close with a confirmation. Escape (or "No") cancels and puts focus back on the button; once
 * the close is sent the button goes away with the campaign, so focus moves to `focusAfter`
 * (the campaign's link or the page title) instead of getting lost on the page body.
 */
export function CloseButton(props: { campaign: CampaignView; onChanged(): void; focusAfter(): HTMLElement | null | undefined }) {
  const { t } = useI18n();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const cancelButton = useRef<HTMLButtonElement>(null);
  const id = props.campaign.campaignid;
  // Focus goes back to the button as soon as it is rendered again (a layout effect, not a
  // timer, which a busy or background tab may run late).
  const refocus = useRef(false);
  useLayoutEffect(() => {
    if (confirming || !refocus.current) return;
    refocus.current = false;
    opener.current?.focus();
  }, [confirming]);
  const cancel = () => {
    refocus.current = true;
    setConfirming(false);
  };
  useEffect(() => {
    if (!confirming) return;
    cancelButton.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') (e.preventDefault(), cancel());
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [confirming]);
  if (props.campaign.state === 'finished') return null;
  if (!confirming) {
    return (
      <span class="close-action">
        <button type="button" ref={opener} class="small danger-outline" onClick={() => (setError(null), setConfirming(true))} data-testid={`close-${id}`}>
          {t('sup.close')}
        </button>
        {error && (
          <span class="error-text" role="alert">
            {error}
          </span>
        )}
      </span>
    );
  }
  const close = async () => {
    setBusy(true);
    try {
      await api(`/ops/campaigns/${id}/close`, { method: 'POST' });
      announce(fill(t('sup.closeRequested'), { id }));
      props.focusAfter()?.focus();
    } catch (err) {
      setError(errorText(t, err));
      refocus.current = true;
    } finally {
      setBusy(false);
      setConfirming(false);
      props.onChanged();
    }
  };
  return (
    <span class="confirm" role="alertdialog" aria-label={t('sup.close')} aria-describedby={`close-text-${id}`}>
      <span class="confirm-text" id={`close-text-${id}`}>
        {t('sup.closeConfirm')}
      </span>
      <button type="button" class="small danger" disabled={busy} onClick={close} data-testid={`close-confirm-${id}`}>
        {t('sup.closeYes')}
      </button>
      <button type="button" ref={cancelButton} class="small" onClick={cancel} data-testid={`close-cancel-${id}`}>
        {t('sup.closeNo')}
      </button>
    </span>
  );
}

export function CampaignsTable(props: { campaigns: CampaignView[]; onChanged(): void }) {
  const { t } = useI18n();
  return (
    <section class="card scroll-x" aria-labelledby="campaigns-title">
      <h2 id="campaigns-title">{t('sup.campaigns')}</h2>
      {props.campaigns.length === 0 ? (
        <p class="muted">{t('sup.noCampaigns')}</p>
      ) : (
        <table class="table cards-narrow" data-testid="campaigns">
          <thead>
            <tr>
              <th>{t('sup.campaign')}</th>
              <th>{t('sup.state')}</th>
              <th>{t('sup.dialMode')}</th>
              <th>{t('sup.window')}</th>
              <th class="w-progress">{t('sup.progress')}</th>
              <th class="num">{t('sup.answered')}</th>
              <th class="num">{t('sup.attempts')}</th>
              <th class="num">{t('sup.abandonRate')}</th>
              <th class="num">{t('sup.live')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {props.campaigns.map((c) => (
              <tr data-testid={`campaign-row-${c.campaignid}`}>
                <td>
                  <a href={`/supervisor/campaigns/${c.campaignid}`} data-testid={`campaign-link-${c.campaignid}`} onClick={(e) => (e.preventDefault(), navigate(`/supervisor/campaigns/${c.campaignid}`))}>
                    #{c.campaignid}
                  </a>
                  {c.typeid !== null && <span class="muted"> · {t('sup.type')} {c.typeid}</span>}
                </td>
                <td data-label={t('sup.state')}>
                  <CampaignState campaign={c} />
                </td>
                <td data-label={t('sup.dialMode')}>{dialModeText(t, c.profile)}</td>
                <td class="nowrap" data-label={t('sup.window')}>
                  {shortDatetime(c.starttime)} → {shortDatetime(c.endtime)}
                </td>
                <td data-label={t('sup.progress')} data-testid="campaign-progress" data-final={c.counts.contactsFinal} data-total={c.counts.contactTotal}>
                  <Progress done={c.counts.contactsFinal} total={c.counts.contactTotal} />
                </td>
                <td class="num" data-label={t('sup.answered')} data-testid="campaign-answered">
                  {c.counts.contactsAnswered}
                </td>
                <td class="num" data-label={t('sup.attempts')} data-testid="campaign-attempts">
                  {c.counts.attempts}
                </td>
                <td class={`num ${c.abandonRate > 0.03 ? 'bad' : ''}`} data-label={t('sup.abandonRate')}>
                  {percent(c.abandonRate)}
                </td>
                <td class="num" data-label={t('sup.live')}>
                  {c.liveCalls}
                </td>
                <td class="actions">
                  <CloseButton campaign={c} onChanged={props.onChanged} focusAfter={() => document.querySelector<HTMLElement>(`[data-testid=campaign-link-${c.campaignid}]`)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
