// Where the customer's page goes while the agent's own call (preview Call, countdown, manual
// dial) is being placed and rings: whom the agent is calling, how far it got, and Cancel. Over
// the contact's CRM page as a bar (the page stays), or in its place when there is no page, so
// the desk never says "Waiting for a call…" while the agent is calling someone.
import { useI18n } from '../i18n.ts';
import { fill } from '../value-texts.ts';
import type { DeskOutbound } from './types.ts';

export function DeskCalling(props: { outbound: DeskOutbound; alone: boolean; onCancel(): void }) {
  const { t } = useI18n();
  const { outbound } = props;
  return (
    <div class={`desk-calling ${props.alone ? 'alone' : ''}`} data-testid="desk-calling" data-state={outbound.state}>
      {props.alone && (
        <div class="big-icon" aria-hidden="true">
          ☎
        </div>
      )}
      <div class="desk-calling-text">
        <strong>{fill(t('outbound.calling'), { phone: outbound.phoneNumber })}</strong>
        <span>
          {t(`outbound.${outbound.state}`)} {t('outbound.callingHint')}
        </span>
      </div>
      <button type="button" class="danger" onClick={props.onCancel} data-testid="desk-calling-cancel">
        {t('outbound.cancel')}
      </button>
    </div>
  );
}
