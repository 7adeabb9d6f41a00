// Campaigns with their progress and the close action (same semantics as the CRM's closeCampaign).
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { percent, shortDatetime } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { navigate } from '../router.ts';
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

export function dialModeText(c: CampaignView): string {
  const p = c.profile;
  if (p.dialMode === 'power' && p.powerRatio !== undefined) return `power ×${p.powerRatio}`;
  if (p.dialMode === 'predictive' && p.abandonTarget !== undefined) return `predictive ≤${percent(p.abandonTarget, 0)}`;
  return p.dialMode;
}

export function CloseButton(props: { campaign: CampaignView; onChanged(): void }) {
  const { t } = useI18n();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  if (props.campaign.state === 'finished') return null;
  if (!confirming) {
    return (
      <button type="button" class="small danger-outline" onClick={() => setConfirming(true)} data-testid={`close-${props.campaign.campaignid}`}>
        {t('sup.close')}
      </button>
    );
  }
  const close = async () => {
    setBusy(true);
    try {
      await api(`/ops/campaigns/${props.campaign.campaignid}/close`, { method: 'POST' });
    } finally {
      setBusy(false);
      setConfirming(false);
      props.onChanged();
    }
  };
  return (
    <span class="confirm" role="alertdialog" aria-label={t('sup.closeConfirm')}>
      <span class="confirm-text">{t('sup.closeConfirm')}</span>
      <button type="button" class="small danger" disabled={busy} onClick={close} data-testid={`close-confirm-${props.campaign.campaignid}`}>
        {t('sup.closeYes')}
      </button>
      <button type="button" class="small" onClick={() => setConfirming(false)}>
        {t('sup.closeNo')}
      </button>
    </span>
  );
}

export function CampaignsTable(props: { campaigns: CampaignView[]; onChanged(): void }) {
  const { t } = useI18n();
  return (
    <section class="card">
      <h3>{t('sup.campaigns')}</h3>
      {props.campaigns.length === 0 ? (
        <p class="muted">{t('sup.noCampaigns')}</p>
      ) : (
        <table class="table" data-testid="campaigns">
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
                  <a href={`/supervisor/campaigns/${c.campaignid}`} onClick={(e) => (e.preventDefault(), navigate(`/supervisor/campaigns/${c.campaignid}`))}>
                    #{c.campaignid}
                  </a>
                  {c.typeid !== null && <span class="muted"> · {t('sup.type')} {c.typeid}</span>}
                </td>
                <td>
                  <CampaignState campaign={c} />
                </td>
                <td>{dialModeText(c)}</td>
                <td class="nowrap">
                  {shortDatetime(c.starttime)} → {shortDatetime(c.endtime)}
                </td>
                <td data-testid="campaign-progress" data-final={c.counts.contactsFinal} data-total={c.counts.contactTotal}>
                  <Progress done={c.counts.contactsFinal} total={c.counts.contactTotal} />
                </td>
                <td class="num" data-testid="campaign-answered">
                  {c.counts.contactsAnswered}
                </td>
                <td class="num" data-testid="campaign-attempts">
                  {c.counts.attempts}
                </td>
                <td class={`num ${c.abandonRate > 0.03 ? 'bad' : ''}`}>{percent(c.abandonRate)}</td>
                <td class="num">{c.liveCalls}</td>
                <td class="actions">
                  <CloseButton campaign={c} onChanged={props.onChanged} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
