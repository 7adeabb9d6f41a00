// "My callbacks" on the desk: the callbacks kept for this agent or made by it, soonest first.
// Read again whenever the desk's state changes (a call ends, a callback is offered) and every 15 s.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { CallbackRows, type CallbackItem } from './callback-rows.tsx';

const REFRESH_MS = 15_000;

export function MyCallbacks(props: { refreshKey: string; act(path: string, body?: unknown): Promise<boolean> }) {
  const { t } = useI18n();
  const [items, setItems] = useState<CallbackItem[] | null>(null);
  const [offered, setOffered] = useState<{ campaignId: number; contactId: number } | null>(null);
  useEffect(() => {
    let live = true;
    const load = () =>
      api<{ callbacks: CallbackItem[]; offered: { campaignId: number; contactId: number } | null }>('/ui/agent/callbacks')
        .then((r) => {
          if (!live) return;
          setItems(r.callbacks);
          setOffered(r.offered);
        })
        .catch(() => {});
    void load();
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [props.refreshKey]);
  return (
    <section class="card stack my-callbacks" data-testid="my-callbacks">
      <h3>{t('cb.mine')}</h3>
      <CallbackRows items={items} offered={offered} onCall={(c) => void props.act('/ui/agent/callback-call', { campaignId: c.campaignId, contactId: c.contactId })} />
    </section>
  );
}
