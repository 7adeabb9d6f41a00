// Preview dial: the contact offered before any call, with Call, Skip (a reason and optional
// text) and the countdown that dials by itself; then the leg ringing, or how it ended.
import { useState } from 'preact/hooks';
import { duration } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { useTick } from '../live.ts';
import { fill } from '../value-texts.ts';
import { ContactHistory } from './contact-history.tsx';
import type { DeskOffer, DeskOutbound } from './types.ts';

type Act = (path: string, body?: unknown) => Promise<boolean>;

export function PreviewPanel(props: { offer: DeskOffer; serverNow(): number; timeZone: string; act: Act }) {
  const { t } = useI18n();
  useTick(1000);
  const { offer } = props;
  const [skipping, setSkipping] = useState(false);
  const [reason, setReason] = useState(offer.skipReasons[0] ?? 'other');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const left = offer.autoDialAt === null ? null : Math.max(0, Math.ceil((offer.autoDialAt - props.serverNow()) / 1000));
  const run = async (path: string, body?: unknown) => {
    setBusy(true);
    await props.act(path, body);
    setBusy(false);
  };
  return (
    <section class="card stack preview" data-testid="preview-panel" aria-labelledby="preview-title" data-contact={offer.contactId}>
      <h2 id="preview-title">{t('preview.title')}</h2>
      <div class="phone" data-testid="preview-phone">
        {offer.phoneNumber}
      </div>
      <dl class="facts">
        <dt>{t('desk.campaign')}</dt>
        <dd data-testid="preview-campaign">#{offer.campaignId}</dd>
        <dt>{t('desk.contact')}</dt>
        <dd>#{offer.contactId}</dd>
        <dt>{t('preview.attempts')}</dt>
        <dd data-testid="preview-attempts">{offer.attempts}</dd>
      </dl>
      {left !== null && (
        <p class={`countdown ${left <= 5 ? 'soon' : ''}`} data-testid="preview-countdown" data-seconds={left} aria-live="polite">
          {fill(t('preview.autoDialIn'), { time: duration(left) })}
        </p>
      )}
      {!skipping ? (
        <div class="row wrap">
          <button type="button" class="primary big" disabled={busy} onClick={() => void run('/ui/agent/preview/call')} data-testid="preview-call">
            {t('preview.call')}
          </button>
          <button type="button" disabled={busy} onClick={() => setSkipping(true)} data-testid="preview-skip">
            {t('preview.skip')}
          </button>
        </div>
      ) : (
        <form
          class="stack"
          data-testid="skip-form"
          onSubmit={(e) => {
            e.preventDefault();
            void run('/ui/agent/preview/skip', { reason, note });
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setSkipping(false);
          }}
        >
          <label>
            {t('preview.skipReason')}
            <select value={reason} onChange={(e) => setReason((e.target as HTMLSelectElement).value)} data-testid="skip-reason">
              {offer.skipReasons.map((r) => (
                <option key={r} value={r}>
                  {t(`skipReason.${r}`, r)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('preview.skipNote')}
            <input type="text" maxLength={200} value={note} onInput={(e) => setNote((e.target as HTMLInputElement).value)} data-testid="skip-note" />
          </label>
          <p class="muted">{t('preview.skipHint')}</p>
          <div class="row wrap">
            <button type="submit" class="primary" disabled={busy} data-testid="skip-confirm">
              {t('preview.skipConfirm')}
            </button>
            <button type="button" onClick={() => setSkipping(false)}>
              {t('preview.cancel')}
            </button>
          </div>
        </form>
      )}
      <ContactHistory campaignId={offer.campaignId} contactId={offer.contactId} timeZone={props.timeZone} />
    </section>
  );
}

/** A preview or manual leg ringing for the agent, or how the last one ended without reaching it. */
export function OutboundPanel(props: { outbound: DeskOutbound; onHangup(): void }) {
  const { t } = useI18n();
  const { outbound } = props;
  const ended = outbound.state === 'ended';
  return (
    <section class={`card stack outbound ${ended ? 'ended' : 'active'}`} data-testid="outbound-panel" data-state={outbound.state} aria-live="polite">
      <h2>{outbound.kind === 'manual' ? t('manual.title') : t('preview.title')}</h2>
      {outbound.phoneNumber && <div class="phone">{outbound.phoneNumber}</div>}
      <p data-testid="outbound-state">
        {ended ? fill(t('outbound.ended'), { status: t(`status.${outbound.status}`, outbound.status ?? '') }) : t(`outbound.${outbound.state}`)}
      </p>
      {!ended && (
        <button type="button" class="danger" onClick={props.onHangup} data-testid="outbound-hangup">
          {t('outbound.cancel')}
        </button>
      )}
    </section>
  );
}
