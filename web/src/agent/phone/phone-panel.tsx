// The phone on the desk: whether it is registered (the agent is on the floor only then), the
// microphone asked for with the reason why, a refused microphone as a blocking message that
// says how to allow it, a lost connection being restored, a call being answered, failures a
// person understands, and the headset's microphone and speaker pickers.
import { useEffect } from 'preact/hooks';
import { useI18n } from '../../i18n.ts';
import { canChooseOutput } from './microphone.ts';
import { usePhone, type Phone } from './use-phone.ts';

/**
 * `base`/`hint`: a supervisor's phone (its routes, and a line saying what rings it);
 * `onAvailability`: told whether there is a phone at all (monitoring says when one is needed).
 */
export function PhonePanel(props: { callId: string | null; base?: string; hint?: string; onAvailability?: (availability: Phone['availability']) => void }) {
  const { t } = useI18n();
  const phone = usePhone(props.callId, props.base);
  const { onAvailability } = props;
  useEffect(() => onAvailability?.(phone.availability), [phone.availability, onAvailability]);
  // No phone in the browser, or none for this account (the monitoring controls say a phone is needed).
  if (phone.availability === 'off' || phone.availability === 'no-station') return null;
  const { registration, microphone, call, problem, tones } = phone.state;
  const blocked = microphone === 'denied';

  return (
    <section
      class={`card stack softphone${blocked ? ' softphone-blocked' : ''}`}
      aria-labelledby="phone-title"
      data-testid="phone"
      data-registration={registration}
      data-microphone={microphone}
      data-call={call}
      data-tones={tones}
    >
      <div class="row between">
        <h2 id="phone-title" class="phone-title">
          {t('phone.title')}
        </h2>
        <span class={`phone-badge reg-${registration}`} role="status" data-testid="phone-registration">
          {t(`phone.reg.${registration}`)}
        </span>
      </div>
      {props.hint && <p class="muted" data-testid="phone-hint">{props.hint}</p>}
      {(microphone === 'unknown' || microphone === 'asking') && phone.availability === 'on' && (
        <div class="notice" data-testid="phone-mic-ask">
          <p>{t('phone.micWhy')}</p>
          <button type="button" class="primary" data-testid="phone-mic-allow" disabled={microphone === 'asking'} onClick={phone.askMicrophone}>
            {microphone === 'asking' ? t('phone.micAsking') : t('phone.micAllow')}
          </button>
        </div>
      )}
      {blocked && (
        <div class="notice error" role="alert" data-testid="phone-mic-denied">
          <strong>{problem === 'no-device' ? t('phone.micMissing') : t('phone.micDenied')}</strong>
          <p>{problem === 'no-device' ? t('phone.micMissingHow') : t('phone.micDeniedHow')}</p>
          <button type="button" data-testid="phone-mic-retry" onClick={phone.askMicrophone}>
            {t('phone.micRetry')}
          </button>
        </div>
      )}
      {registration === 'reconnecting' && (
        <p class="notice warn" role="alert" data-testid="phone-reconnecting">
          {t('phone.reconnectingHint')}
        </p>
      )}
      {problem && problem !== 'no-device' && (
        <p class="error" role="alert" data-testid="phone-problem" data-problem={problem}>
          {t(`phone.problem.${problem}`)}
        </p>
      )}
      {microphone === 'granted' && (
        <>
          <p class="muted" data-testid="phone-call">
            {phone.agentMode === 'nailed-up' && call === 'in-call' ? t('phone.call.line') : t(`phone.call.${call}`)}
          </p>
          <div class="row wrap phone-devices">
            <label>
              {t('phone.input')}
              <select data-testid="phone-input" value={phone.input ?? ''} onChange={(e) => phone.chooseInput((e.target as HTMLSelectElement).value)}>
                <option value="">{t('phone.defaultDevice')}</option>
                {phone.devices.inputs.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.label}
                  </option>
                ))}
              </select>
            </label>
            {canChooseOutput() && (
              <label>
                {t('phone.output')}
                <select data-testid="phone-output" value={phone.output ?? ''} onChange={(e) => phone.chooseOutput((e.target as HTMLSelectElement).value)}>
                  <option value="">{t('phone.defaultDevice')}</option>
                  {phone.devices.outputs.map((d) => (
                    <option key={d.id} value={d.id}>
                      {d.label}
                    </option>
                  ))}
                </select>
              </label>
            )}
          </div>
        </>
      )}
    </section>
  );
}
