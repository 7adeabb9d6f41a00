// "My callbacks" on the desk: the callbacks kept for this agent or made by it, soonest first.
// Read again whenever the desk's state changes (a call ends, a callback is offered) and every 15 s.
import { useI18n } from '../i18n.ts';
import { usePolled } from '../live.ts';
import { CallbackRows, type CallbackItem } from './callback-rows.tsx';

const REFRESH_MS = 15_000;

export function MyCallbacks(props: { refreshKey: string; act(path: string, body?: unknown): Promise<boolean> }) {
  const { t } = useI18n();
  const data = usePolled<{ callbacks: CallbackItem[]; offered: { campaignId: number; contactId: number } | null }>('/ui/agent/callbacks', REFRESH_MS, props.refreshKey);
  const items = data?.callbacks ?? null;
  const offered = data?.offered ?? null;
  return (
    <section class="card stack my-callbacks" data-testid="my-callbacks">
      <h3>{t('cb.mine')}</h3>
      <CallbackRows narrow items={items} offered={offered} onCall={(c) => void props.act('/ui/agent/callback-call', { campaignId: c.campaignId, contactId: c.contactId })} />
    </section>
  );
}
