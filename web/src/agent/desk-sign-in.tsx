// Signing in to the floor with an agent code and station (fixed when the account names them).
import { useState } from 'preact/hooks';
import { useI18n } from '../i18n.ts';
import type { DeskUser } from './agent-desktop.tsx';

export function DeskSignIn(props: { user: DeskUser; onSignIn(agentCode: string, stationId: string): Promise<boolean> }) {
  const { t } = useI18n();
  const [agentCode, setAgentCode] = useState(props.user.agentCode ?? '');
  const [stationId, setStationId] = useState(props.user.stationId ?? '');
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    await props.onSignIn(agentCode.trim(), stationId.trim());
    setBusy(false);
  };
  return (
    <form class="card stack" onSubmit={submit} data-testid="desk-sign-in">
      <h3>{t('desk.signInTitle')}</h3>
      <label>
        {t('desk.agentCode')}
        <input name="agentCode" value={agentCode} readOnly={props.user.agentCode !== null} onInput={(e) => setAgentCode(e.currentTarget.value)} placeholder="Agent/1001" required />
      </label>
      <label>
        {t('desk.station')}
        <input name="stationId" value={stationId} onInput={(e) => setStationId(e.currentTarget.value)} placeholder="1001" required />
      </label>
      <button class="primary big" type="submit" disabled={busy} data-testid="desk-sign-in-submit">
        {t('desk.signIn')}
      </button>
    </form>
  );
}
