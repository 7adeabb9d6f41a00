// The agent's own state with time in state, and the ready / pause (with reason) / sign-out controls.
import { useState } from 'preact/hooks';
import { duration } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { useTick } from '../live.ts';
import type { DeskState } from './types.ts';

const REASONS = ['break', 'lunch', 'meeting', 'training', 'other'] as const;

export function StatusPanel(props: { state: DeskState; serverNow(): number; act(path: string, body?: unknown): Promise<boolean> }) {
  const { t } = useI18n();
  useTick(1000);
  const [reason, setReason] = useState<(typeof REASONS)[number]>('break');
  const { desk, agent } = props.state;
  const state = agent?.state ?? 'offline';
  const pauseReason = agent?.pauseReason ? t(`pause.${agent.pauseReason}`, agent.pauseReason) : null;
  // Pause asked for during the call: taken when the call and its wrap-up are over. Cancelling it
  // drops only that pause: an agent in wrap-up stays there (Ready is the button that ends it).
  const after = agent?.pauseAfterCall ?? null;
  const afterReason = after?.reason ? t(`pause.${after.reason}`, after.reason) : null;

  return (
    <div class="card stack">
      <div class="row between">
        <span class="muted">
          {desk!.agentCode} · {t('sup.station')} {desk!.stationId}
        </span>
        <span class="muted">
          {t('desk.callsTaken')}: <strong>{agent?.callsTaken ?? 0}</strong>
        </span>
      </div>
      <div class={`state-banner s-${state}`} data-testid="agent-state" data-state={state}>
        <span>{t(`state.${state}`)}</span>
        {pauseReason && <span class="reason">· {pauseReason}</span>}
        <span class="timer" data-testid="time-in-state">
          {agent ? duration((props.serverNow() - agent.since) / 1000) : ''}
        </span>
      </div>
      {after && (
        <div class="row between pause-after" data-testid="pause-after-call">
          <span>
            {t('desk.pauseAfterCall')}
            {afterReason && ` · ${afterReason}`}
          </span>
          <button type="button" class="link" onClick={() => props.act('/ui/agent/cancel-pause-after-call')} data-testid="cancel-pause-after-call">
            {t('desk.cancelPauseAfterCall')}
          </button>
        </div>
      )}
      <div class="controls">
        <button type="button" class="primary" disabled={state !== 'paused' && state !== 'wrap-up'} onClick={() => props.act('/ui/agent/ready')} data-testid="ready">
          {t('desk.ready')}
        </button>
        <select aria-label={t('desk.pauseReason')} value={reason} onChange={(e) => setReason(e.currentTarget.value as (typeof REASONS)[number])} data-testid="pause-reason">
          {REASONS.map((r) => (
            <option value={r}>{t(`pause.${r}`)}</option>
          ))}
        </select>
        <button type="button" disabled={state === 'paused'} onClick={() => props.act('/ui/agent/pause', { reason })} data-testid="pause">
          {t('desk.pause')}
        </button>
      </div>
      {/* Refused by CCS during a call or its wrap-up, with the reason shown. */}
      <button type="button" class="ghost" onClick={() => props.act('/ui/agent/sign-out')} data-testid="desk-sign-out">
        {t('desk.signOut')}
      </button>
    </div>
  );
}
