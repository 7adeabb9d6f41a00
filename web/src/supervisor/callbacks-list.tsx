// Scheduled callbacks for supervisors: all of them (dashboard) or one campaign's, soonest
// first, with who they are kept for and whether they are still ahead, due, dialled or missed.
import { useI18n } from '../i18n.ts';
import { usePolled } from '../live.ts';
import { CallbackRows, type CallbackItem } from '../agent/callback-rows.tsx';

const REFRESH_MS = 15_000;

export function CallbacksList(props: { campaignId?: number }) {
  const { t } = useI18n();
  const items = usePolled<{ callbacks: CallbackItem[] }>(`/ui/supervisor/callbacks${props.campaignId !== undefined ? `?campaignId=${props.campaignId}` : ''}`, REFRESH_MS)?.callbacks ?? null;
  return (
    <section class="card scroll" data-testid="supervisor-callbacks">
      <h3>{t('cb.all')}</h3>
      <CallbackRows items={items} showCampaign={props.campaignId === undefined} />
    </section>
  );
}
