// Campaign control on the campaign page: pause and resume, and the pacing override (dial mode,
// power ratio, abandon target) on top of the campaign's profile. Same session and CSRF rules as
// the close action; every change is audited on the server (who, when, before → after).
import { useState } from 'preact/hooks';
import { announce } from '../announce.ts';
import { api } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { dialModeText, errorText, fill } from '../value-texts.ts';
import type { CampaignView } from './types.ts';

const MODES = ['progressive', 'power', 'predictive', 'preview'] as const;

export function CampaignControlPanel(props: { campaign: CampaignView; onChanged(): void }) {
  const { t } = useI18n();
  const c = props.campaign;
  const control = c.control ?? null;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [mode, setMode] = useState<string>(c.profile.dialMode);
  const [ratio, setRatio] = useState<string>(String(c.profile.powerRatio ?? 2));
  const [target, setTarget] = useState<string>(String(Math.round((c.profile.abandonTarget ?? 0.03) * 1000) / 10));
  if (c.state !== 'running' && c.state !== 'scheduled') return null;
  const paused = control?.paused === true;

  const send = async (path: string, method: 'POST' | 'PUT', body: unknown, done: string) => {
    setBusy(true);
    setError(null);
    try {
      await api(`/ops/campaigns/${c.campaignid}/${path}`, { method, ...(body !== undefined ? { body } : {}) });
      announce(fill(done, { id: c.campaignid }));
      props.onChanged();
    } catch (e) {
      setError(errorText(t, e));
    } finally {
      setBusy(false);
    }
  };
  const apply = () => {
    const body: Record<string, unknown> = { dialMode: mode };
    if (mode === 'power') body.powerRatio = Number(ratio);
    if (mode === 'predictive') body.abandonTarget = Number(target) / 100;
    void send('pacing', 'PUT', body, t('ctl.pacingChanged'));
  };
  const reset = () => void send('pacing', 'PUT', { dialMode: null, powerRatio: null, abandonTarget: null }, t('ctl.pacingChanged'));
  const overridden = control !== null && (control.dialMode !== null || control.powerRatio !== null || control.abandonTarget !== null);

  return (
    <section class="card" data-testid="campaign-control" aria-labelledby="campaign-control-title">
      <div class="row between wrap gap">
        <h3 id="campaign-control-title">{t('ctl.title')}</h3>
        <div class="row gap">
          {paused && (
            <span class="pill st-paused" data-testid="campaign-paused">
              {t('ctl.paused')}
            </span>
          )}
          {paused ? (
            <button type="button" class="small" disabled={busy} onClick={() => void send('resume', 'POST', undefined, t('ctl.resumed'))} data-testid="campaign-resume">
              {t('ctl.resume')}
            </button>
          ) : (
            <button type="button" class="small" disabled={busy} onClick={() => void send('pause', 'POST', undefined, t('ctl.pausedDone'))} data-testid="campaign-pause">
              {t('ctl.pause')}
            </button>
          )}
        </div>
      </div>
      <p class="muted" data-testid="campaign-pacing">
        {t('ctl.inEffect')}: {dialModeText(t, c.profile)}
        {overridden && control && (
          <>
            {' '}
            · {fill(t('ctl.overridden'), { profile: dialModeText(t, control.profileDefaults), by: control.updatedBy, at: control.updatedAt })}
          </>
        )}
      </p>
      <div class="row gap wrap">
        <label>
          {t('sup.dialMode')}{' '}
          <select value={mode} onChange={(e) => setMode((e.target as HTMLSelectElement).value)} data-testid="control-mode">
            {MODES.map((m) => (
              <option value={m}>{t(`ctl.mode.${m}`)}</option>
            ))}
          </select>
        </label>
        {mode === 'power' && (
          <label>
            {t('ctl.ratio')}{' '}
            <input type="number" min={1} max={10} step={0.5} value={ratio} onInput={(e) => setRatio((e.target as HTMLInputElement).value)} data-testid="control-ratio" />
          </label>
        )}
        {mode === 'predictive' && (
          <label>
            {t('ctl.target')}{' '}
            <input type="number" min={0} max={50} step={0.5} value={target} onInput={(e) => setTarget((e.target as HTMLInputElement).value)} data-testid="control-target" />
          </label>
        )}
        <button type="button" class="small" disabled={busy} onClick={apply} data-testid="control-apply">
          {t('ctl.apply')}
        </button>
        {overridden && (
          <button type="button" class="small" disabled={busy} onClick={reset} data-testid="control-reset">
            {t('ctl.reset')}
          </button>
        )}
      </div>
      {error && (
        <p class="error" role="alert" data-testid="control-error">
          {error}
        </p>
      )}
    </section>
  );
}
