// The call in front of the agent: number, campaign, contact, attempt, a running timer, the call
// controls (call-controls.tsx) and hang-up.
import { duration } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { useTick } from '../live.ts';
import { CallControls } from './call-controls.tsx';
import { ContactHistory } from './contact-history.tsx';
import type { DeskCall } from './types.ts';

export function CallPanel(props: { call: DeskCall; serverNow(): number; onHangup(): void; timeZone?: string; act?(path: string, body?: unknown): Promise<boolean> }) {
  const { t } = useI18n();
  useTick(1000);
  const { call } = props;
  const ended = call.endedAt !== null;
  // A call the agent dialled by hand belongs to no campaign.
  const manual = call.campaignId === 0;
  const seconds = ((call.endedAt ?? props.serverNow()) - call.connectedAt) / 1000;
  return (
    <div class={`card stack call ${ended ? 'ended' : 'active'}`} data-testid="call-panel" data-callid={call.callId}>
      <div class="row between">
        <h3>{call.transferred ? t('cc.transferredAway') : call.consultEnded ? t('cc.consultEnded') : ended ? t('desk.callEnded') : t('desk.call')}</h3>
        <span class="call-timer" data-testid="call-timer">
          {duration(seconds)}
        </span>
      </div>
      <div class="phone" data-testid="call-phone">
        {call.phoneNumber}
      </div>
      <dl class="facts">
        {manual ? (
          <>
            <dt>{t('desk.campaign')}</dt>
            <dd data-testid="call-campaign">{t('manual.title')}</dd>
          </>
        ) : (
          <>
            <dt>{t('desk.campaign')}</dt>
            <dd data-testid="call-campaign">#{call.campaignId}</dd>
            <dt>{t('desk.contact')}</dt>
            <dd>#{call.contactId}</dd>
            <dt>{t('desk.attempt')}</dt>
            <dd data-testid="call-attempt">{call.attemptNo ?? '–'}</dd>
          </>
        )}
        {ended && call.status && (
          <>
            <dt>{t('sup.status')}</dt>
            <dd>{t(`status.${call.status}`, call.status)}</dd>
          </>
        )}
      </dl>
      {!ended && props.act && <CallControls call={call} serverNow={props.serverNow} act={props.act} />}
      {!ended && (
        <button type="button" class="danger big" aria-keyshortcuts="H" onClick={props.onHangup} data-testid="hangup">
          {t('desk.hangup')} <kbd>H</kbd>
        </button>
      )}
      {!manual && props.timeZone && <ContactHistory campaignId={call.campaignId} contactId={call.contactId} timeZone={props.timeZone} exclude={call.callId} />}
    </div>
  );
}
