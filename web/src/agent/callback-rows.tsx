// A table of scheduled callbacks, shared by the desk ("My callbacks") and the dashboard.
import { useI18n } from '../i18n.ts';
import { fill } from '../value-texts.ts';

export interface CallbackItem {
  callId: string;
  campaignId: number;
  contactId: number;
  phoneNumber: string;
  dueAt: number;
  due: string;
  agentCode: string | null;
  personalUntil: number | null;
  createdBy: string;
  note: string | null;
  state: 'scheduled' | 'due' | 'dialled' | 'missed' | 'cancelled';
}

export function CallbackRows(props: {
  items: CallbackItem[] | null;
  showCampaign?: boolean;
  /** The callback offered to this desk now, which it may call. */
  offered?: { campaignId: number; contactId: number } | null;
  onCall?(item: CallbackItem): void;
  /** The desk's side panel is about 330 px wide: three columns, the state and Call now kept in view. */
  narrow?: boolean;
}) {
  const { t } = useI18n();
  if (props.items === null) return <p class="muted">{t('app.loading')}</p>;
  if (props.items.length === 0) return <p class="muted" data-testid="callbacks-empty">{t('cb.none')}</p>;
  const forWhom = (c: CallbackItem) => (c.agentCode ? fill(t('cb.keptFor'), { agent: c.agentCode }) : t('cb.forAnyone'));
  const stateAndCall = (c: CallbackItem) => (
    <>
      <span class={`pill callback-${c.state}`}>{t(`cb.state.${c.state}`, c.state)}</span>
      {props.onCall && props.offered?.campaignId === c.campaignId && props.offered.contactId === c.contactId && c.state === 'due' && (
        <button type="button" class="primary small" onClick={() => props.onCall!(c)} data-testid="callback-call">
          {t('cb.callNow')}
        </button>
      )}
    </>
  );
  if (props.narrow)
    return (
      <table class="table compact callbacks-narrow" data-testid="callbacks-table">
        <thead>
          <tr>
            <th>{t('cb.col.due')}</th>
            <th>{t('desk.contact')}</th>
            <th>{t('cb.col.state')}</th>
          </tr>
        </thead>
        <tbody>
          {props.items.map((c) => (
            <tr key={c.callId} data-testid={`callback-${c.campaignId}-${c.contactId}`} data-state={c.state}>
              <td>{c.due}</td>
              <td>
                #{c.contactId}
                <div class="nowrap">{c.phoneNumber}</div>
              </td>
              <td class="stack tight">
                {stateAndCall(c)}
                <span class="muted small">{forWhom(c)}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    );
  return (
    <table class="table compact" data-testid="callbacks-table">
      <thead>
        <tr>
          <th>{t('cb.col.due')}</th>
          {props.showCampaign && <th>{t('desk.campaign')}</th>}
          <th>{t('desk.contact')}</th>
          <th>{t('desk.phone')}</th>
          <th>{t('cb.col.for')}</th>
          <th>{t('cb.col.state')}</th>
        </tr>
      </thead>
      <tbody>
        {props.items.map((c) => (
          <tr key={c.callId} data-testid={`callback-${c.campaignId}-${c.contactId}`} data-state={c.state}>
            <td class="nowrap">{c.due}</td>
            {props.showCampaign && <td>{c.campaignId}</td>}
            <td>{c.contactId}</td>
            <td>{c.phoneNumber}</td>
            <td>{forWhom(c)}</td>
            <td>{stateAndCall(c)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
