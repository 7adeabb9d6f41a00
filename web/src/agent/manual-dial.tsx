// Manual dial: a ready agent types a number and calls it; CCS checks the do-not-call list,
// calling hours and frequency caps first and says why when it refuses.
import { useState } from 'preact/hooks';
import { useI18n } from '../i18n.ts';

export function ManualDial(props: { enabled: boolean; act(path: string, body?: unknown): Promise<boolean> }) {
  const { t } = useI18n();
  const [number, setNumber] = useState('');
  const [busy, setBusy] = useState(false);
  return (
    <form
      class="card stack manual-dial"
      data-testid="manual-dial"
      aria-labelledby="manual-dial-title"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        if (await props.act('/ui/agent/dial', { number })) setNumber('');
        setBusy(false);
      }}
    >
      <h2 id="manual-dial-title">{t('manual.title')}</h2>
      <label>
        {t('manual.number')}
        <input
          type="tel"
          inputMode="tel"
          autoComplete="off"
          maxLength={24}
          value={number}
          onInput={(e) => setNumber((e.target as HTMLInputElement).value)}
          data-testid="manual-number"
        />
      </label>
      <button type="submit" class="primary" disabled={!props.enabled || busy || number.trim() === ''} data-testid="manual-call">
        {t('manual.call')}
      </button>
      {!props.enabled && <p class="muted">{t('manual.readyFirst')}</p>}
    </form>
  );
}
