// How long wrap-up has left before the service moves the agent on, as a bar and a time that
// count down; the agent sees it coming instead of being surprised by the next call. With a pause
// asked for during the call the agent is paused then, not made ready, and the text says so.
import { duration } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { useTick } from '../live.ts';
import { fill } from '../value-texts.ts';

export function WrapUpCountdown(props: { since: number; endsAt: number; serverNow(): number; pauseAfter?: { reason: string | null } | null }) {
  const { t } = useI18n();
  useTick(1000);
  const left = Math.max(0, (props.endsAt - props.serverNow()) / 1000);
  const total = Math.max(1, (props.endsAt - props.since) / 1000);
  const time = duration(Math.ceil(left));
  const reason = props.pauseAfter?.reason ? t(`pause.${props.pauseAfter.reason}`, props.pauseAfter.reason) : null;
  const text = !props.pauseAfter ? fill(t('desk.wrapUpLeft'), { time }) : reason ? fill(t('desk.wrapUpPauseIn'), { reason, time }) : fill(t('desk.wrapUpPauseInNoReason'), { time });
  return (
    <div class={`countdown ${left <= 10 ? 'soon' : ''}`} data-testid="wrap-up-countdown" data-seconds={Math.ceil(left)} data-then={props.pauseAfter ? 'paused' : 'ready'}>
      <span>{text}</span>
      <div class="countdown-bar" role="progressbar" aria-label={text} aria-valuemin={0} aria-valuemax={Math.round(total)} aria-valuenow={Math.ceil(left)}>
        <div style={{ width: `${Math.min(100, (left / total) * 100)}%` }} />
      </div>
    </div>
  );
}
