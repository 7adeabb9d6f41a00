// Wallboard links for TVs: a supervisor names a screen and gets a read-only link (shown once),
// sees which links exist and when each last opened, and revokes one (its screens stop within 2 s).
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { navigate } from '../router.ts';
import { errorText, fill } from '../value-texts.ts';
import { ListTable } from './list-table.tsx';

interface KioskLinkView {
  id: number;
  name: string;
  createdBy: string;
  createdAt: string;
  revokedAt: string | null;
  lastSeenAt: string | null;
  state: 'active' | 'revoked';
}

export function KioskLinksPage() {
  const { t } = useI18n();
  const [links, setLinks] = useState<KioskLinkView[] | null>(null);
  const [name, setName] = useState('');
  const [created, setCreated] = useState<{ name: string; url: string } | null>(null);
  const [confirming, setConfirming] = useState<number | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);

  const load = () =>
    api<{ links: KioskLinkView[] }>('/ops/kiosk-links').then(
      (r) => (setLinks(r.links), setFailure(null)),
      (error: unknown) => setFailure(errorText(t, error)),
    );
  useEffect(() => void load(), []);

  const create = async (event: Event) => {
    event.preventDefault();
    if (!name.trim()) return setFailure(t('kiosk.nameRequired'));
    try {
      const link = await api<KioskLinkView & { url: string }>('/ops/kiosk-links', { method: 'POST', body: { name: name.trim() } });
      setCreated({ name: link.name, url: link.url });
      setCopied(false);
      setName('');
      await load();
    } catch (error) {
      setFailure(errorText(t, error));
    }
  };
  const revoke = async (id: number) => {
    if (confirming !== id) return setConfirming(id);
    setConfirming(null);
    try {
      await api(`/ops/kiosk-links/${id}/revoke`, { method: 'POST' });
      await load();
    } catch (error) {
      setFailure(errorText(t, error));
    }
  };

  return (
    <div class="dashboard" data-testid="kiosk-links-page">
      <div class="row between">
        <h1>{t('kiosk.title')}</h1>
        <div class="row gap">
          <a href="/wallboard" data-testid="open-wallboard">
            {t('kiosk.openBoard')}
          </a>
          <a href="/supervisor" onClick={(e) => (e.preventDefault(), navigate('/supervisor'))}>
            {t('kiosk.back')}
          </a>
        </div>
      </div>
      <p>{t('kiosk.intro')}</p>
      {failure && (
        <p class="error" role="alert" data-testid="kiosk-error">
          {failure}
        </p>
      )}
      <section class="card">
        <form class="row gap" onSubmit={create}>
          <label>
            {t('kiosk.name')}{' '}
            <input value={name} maxLength={80} onInput={(e) => setName((e.target as HTMLInputElement).value)} data-testid="kiosk-name" />
          </label>
          <button type="submit" class="primary" data-testid="kiosk-create">
            {t('kiosk.create')}
          </button>
        </form>
        {created && (
          <div class="notice" data-testid="kiosk-created">
            <p>
              {t('kiosk.created')} <strong>{created.name}</strong>
            </p>
            <p class="row gap">
              <code data-testid="kiosk-url">{created.url}</code>
              <button type="button" onClick={() => void navigator.clipboard?.writeText(created.url).then(() => setCopied(true), () => undefined)}>
                {copied ? t('kiosk.copied') : t('kiosk.copy')}
              </button>
            </p>
          </div>
        )}
      </section>
      <ListTable
        items={links}
        empty={t('kiosk.none')}
        testid="kiosk-links"
        headings={[t('kiosk.name'), t('kiosk.createdBy'), t('kiosk.createdAt'), t('kiosk.lastSeen'), t('kiosk.state'), <span class="sr-only">{t('kiosk.revoke')}</span>]}
        row={(l) => (
          <tr data-testid="kiosk-link" data-id={l.id} data-state={l.state}>
            <td>{l.name}</td>
            <td>{l.createdBy}</td>
            <td>{l.createdAt}</td>
            <td>{l.lastSeenAt ?? '–'}</td>
            <td>{l.state === 'active' ? t('kiosk.active') : fill(t('kiosk.revokedAt'), { at: l.revokedAt ?? '' })}</td>
            <td>
              {l.state === 'active' && (
                <button type="button" class={confirming === l.id ? 'danger' : ''} data-testid="kiosk-revoke" onClick={() => void revoke(l.id)}>
                  {confirming === l.id ? t('kiosk.confirmRevoke') : t('kiosk.revoke')}
                </button>
              )}
            </td>
          </tr>
        )}
      />
    </div>
  );
}
