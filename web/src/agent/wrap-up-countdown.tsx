// How long wrap-up has left before the service makes the agent ready again, as a bar and a
// time that count down; the agent sees it coming instead of being surprised by the next call.
import { duration } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { useTick } from '../live.ts';
import { fill } from '../value-texts.ts';

export function WrapUpCountdown(props: { since: number; endsAt: number; serverNow(): number }) {
  const { t } = useI18n();
  useTick(1000);
  const left = Math.max(0, (props.endsAt - props.serverNow()) / 1000);
  const total = Math.max(1, (props.endsAt - props.since) / 1000);
  const text = fill(t('desk.wrapUpLeft'), { time: duration(Math.ceil(left)) });
  return (
    <div class={`countdown ${left <= 10 ? 'soon' : ''}`} data-testid="wrap-up-countdown" data-seconds={Math.ceil(left)}>
      <span>{text}</span>
      <div class="countdown-bar" role="progressbar" aria-label={text} aria-valuemin={0} aria-valuemax={Math.round(total)} aria-valuenow={Math.ceil(left)}>
        <div style={{ width: `${Math.min(100, (left / total) * 100)}%` }} />
      </div>
    </div>
  );
}
