// Disposition codes per profile: a supervisor adds, edits, removes and reorders a profile's
// codes (up to 9: keys 1–9 pick them at the desk), with both labels, the effect, the success
// flag and whether a code is required. Saved codes override the config file's for new wrap-ups.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { navigate } from '../router.ts';
import { errorText, fill } from '../value-texts.ts';

const EFFECTS = ['final', 'retry', 'callback', 'dnc', 'wrong-number'] as const;
const MAX_CODES = 9;
const CODE = /^[a-z0-9][a-z0-9_-]{0,39}$/;

interface Code {
  code: string;
  label: { vi: string; en: string };
  effect: (typeof EFFECTS)[number];
  success: boolean;
}
interface Settings {
  required: boolean;
  codes: Code[];
}
interface ProfileView {
  profile: string;
  typeIds: number[];
  source: 'stored' | 'config';
  updatedAt: string | null;
  updatedBy: string | null;
  settings: Settings;
}

export function DispositionsPage() {
  const { t } = useI18n();
  const [profiles, setProfiles] = useState<ProfileView[] | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const load = () =>
    api<{ profiles: ProfileView[] }>('/ops/profiles/dispositions').then(
      (r) => (setProfiles(r.profiles), setFailure(null)),
      (error: unknown) => setFailure(errorText(t, error)),
    );
  useEffect(() => void load(), []);

  return (
    <div class="dashboard" data-testid="dispositions-page">
      <div class="row between">
        <h1>{t('dset.title')}</h1>
        <a href="/supervisor" onClick={(e) => (e.preventDefault(), navigate('/supervisor'))}>
          {t('kiosk.back')}
        </a>
      </div>
      <p>{t('dset.intro')}</p>
      {failure && (
        <p class="error" role="alert">
          {failure}
        </p>
      )}
      {profiles === null && !failure && <p class="muted">{t('app.loading')}</p>}
      {profiles?.map((p) => <ProfileEditor key={p.profile} view={p} onSaved={(v) => setProfiles((all) => all && all.map((x) => (x.profile === v.profile ? v : x)))} />)}
    </div>
  );
}

function ProfileEditor(props: { view: ProfileView; onSaved(view: ProfileView): void }) {
  const { t } = useI18n();
  const { view } = props;
  const [draft, setDraft] = useState<Settings>(view.settings);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [saving, setSaving] = useState(false);
  useEffect(() => setDraft(view.settings), [view]);

  const edit = (next: Settings) => (setDraft(next), setSaved(false), setError(null));
  const setCode = (i: number, change: Partial<Code>) => edit({ ...draft, codes: draft.codes.map((c, j) => (j === i ? { ...c, ...change } : c)) });
  const move = (i: number, by: number) => {
    const codes = [...draft.codes];
    const [c] = codes.splice(i, 1);
    codes.splice(i + by, 0, c!);
    edit({ ...draft, codes });
  };
  const add = () => edit({ ...draft, codes: [...draft.codes, { code: '', label: { vi: '', en: '' }, effect: 'final', success: false }] });
  const remove = (i: number) => edit({ ...draft, codes: draft.codes.filter((_, j) => j !== i) });

  /** The first problem, in the page's language (the service checks the same and answers 400). */
  const problem = (): string | null => {
    if (draft.codes.length === 0) return t('dset.errNone');
    const seen = new Set<string>();
    for (const [i, c] of draft.codes.entries()) {
      const n = { n: i + 1 };
      if (!CODE.test(c.code)) return fill(t('dset.errCode'), n);
      if (seen.has(c.code)) return fill(t('dset.errDuplicate'), { code: c.code });
      seen.add(c.code);
      if (!c.label.vi.trim() || !c.label.en.trim()) return fill(t('dset.errLabel'), n);
    }
    return null;
  };

  const save = async () => {
    const wrong = problem();
    if (wrong) return setError(wrong);
    setSaving(true);
    try {
      const next = await api<ProfileView>(`/ops/profiles/${encodeURIComponent(view.profile)}/dispositions`, { method: 'PUT', body: draft });
      props.onSaved(next);
      setSaved(true);
    } catch (e) {
      setError(e instanceof ApiError && e.status === 400 ? fill(t('dset.errServer'), { message: e.message }) : errorText(t, e));
    } finally {
      setSaving(false);
    }
  };

  const id = (what: string, i?: number) => `dset-${view.profile}-${what}${i === undefined ? '' : `-${i}`}`;
  return (
    <section class="card stack" data-testid={`dset-${view.profile}`} aria-labelledby={id('title')}>
      <div class="row between">
        <h2 id={id('title')}>
          {fill(t('dset.profile'), { name: view.profile })}
          {view.typeIds.length > 0 && <span class="muted"> · typeid {view.typeIds.join(', ')}</span>}
        </h2>
        <span class="pill" data-testid="dset-source">
          {view.source === 'stored' ? fill(t('dset.stored'), { by: view.updatedBy ?? '', at: view.updatedAt ?? '' }) : t('dset.fromConfig')}
        </span>
      </div>
      <label style={{ flexDirection: 'row', alignItems: 'center', gap: '8px' }}>
        <input type="checkbox" style={{ width: 'auto' }} checked={draft.required} onChange={(e) => edit({ ...draft, required: (e.target as HTMLInputElement).checked })} data-testid="dset-required" />
        {t('dset.required')}
      </label>
      <div style={{ overflowX: 'auto' }} tabIndex={0} role="region" aria-label={fill(t('dset.profile'), { name: view.profile })}>
        <table>
          <caption class="sr-only">{fill(t('dset.profile'), { name: view.profile })}</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">{t('dset.code')}</th>
              <th scope="col">{t('dset.labelVi')}</th>
              <th scope="col">{t('dset.labelEn')}</th>
              <th scope="col">{t('dset.effect')}</th>
              <th scope="col">{t('dset.success')}</th>
              <th scope="col">
                <span class="sr-only">{t('dset.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {draft.codes.map((c, i) => (
              <tr key={i} data-testid={`dset-row-${i}`}>
                <td>{i + 1}</td>
                <td>
                  <input aria-label={`${t('dset.code')} ${i + 1}`} value={c.code} onInput={(e) => setCode(i, { code: (e.target as HTMLInputElement).value.trim() })} data-testid={`dset-code-${i}`} style={{ minWidth: '9em' }} />
                </td>
                <td>
                  <input aria-label={`${t('dset.labelVi')} ${i + 1}`} value={c.label.vi} onInput={(e) => setCode(i, { label: { ...c.label, vi: (e.target as HTMLInputElement).value } })} data-testid={`dset-vi-${i}`} style={{ minWidth: '11em' }} />
                </td>
                <td>
                  <input aria-label={`${t('dset.labelEn')} ${i + 1}`} value={c.label.en} onInput={(e) => setCode(i, { label: { ...c.label, en: (e.target as HTMLInputElement).value } })} data-testid={`dset-en-${i}`} style={{ minWidth: '11em' }} />
                </td>
                <td>
                  <select aria-label={`${t('dset.effect')} ${i + 1}`} value={c.effect} onChange={(e) => setCode(i, { effect: (e.target as HTMLSelectElement).value as Code['effect'] })} data-testid={`dset-effect-${i}`}>
                    {EFFECTS.map((effect) => (
                      <option key={effect} value={effect}>
                        {t(`dset.effect.${effect}`)}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <input type="checkbox" style={{ width: 'auto' }} aria-label={`${t('dset.success')} ${i + 1}`} checked={c.success} disabled={c.effect !== 'final'} onChange={(e) => setCode(i, { success: (e.target as HTMLInputElement).checked })} data-testid={`dset-success-${i}`} />
                </td>
                <td>
                  <div class="row gap" style={{ flexWrap: 'nowrap' }}>
                    <button type="button" class="link" disabled={i === 0} onClick={() => move(i, -1)} aria-label={`${t('dset.up')} ${i + 1}`}>
                      ↑
                    </button>
                    <button type="button" class="link" disabled={i === draft.codes.length - 1} onClick={() => move(i, 1)} aria-label={`${t('dset.down')} ${i + 1}`}>
                      ↓
                    </button>
                    <button type="button" class="link" onClick={() => remove(i)} data-testid={`dset-remove-${i}`}>
                      {t('dset.remove')}
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="row gap">
        <button type="button" onClick={add} disabled={draft.codes.length >= MAX_CODES} data-testid="dset-add">
          {t('dset.add')}
        </button>
        <button type="button" class="primary" onClick={() => void save()} disabled={saving} data-testid="dset-save">
          {t('dset.save')}
        </button>
        {draft.codes.length >= MAX_CODES && <span class="muted">{t('dset.max')}</span>}
      </div>
      <div aria-live="polite">
        {saved && (
          <p class="ok" data-testid="dset-saved">
            {t('dset.saved')}
          </p>
        )}
      </div>
      {error && (
        <p class="error" role="alert" data-testid="dset-error">
          {error}
        </p>
      )}
    </section>
  );
}
