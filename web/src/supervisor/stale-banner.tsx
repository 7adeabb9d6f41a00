// Said loudly while CCS does not answer: the figures below are the last ones fetched, and since
// when. The desk's connection-lost banner look (red, pinned in view), announced as an alert; the
// dashboard takes it away and refreshes by itself when CCS answers again.
import { useI18n } from '../i18n.ts';
import { fill } from '../value-texts.ts';

const clockSeconds = (ms: number, timeZone: string) => new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(ms);

export function StaleBanner(props: { since: number; timeZone: string }) {
  const { t } = useI18n();
  return (
    <div class="service-lost" role="alert" data-testid="figures-stale" data-since={props.since}>
      <strong>{fill(t('sup.staleTitle'), { time: clockSeconds(props.since, props.timeZone) })}</strong>
      <span>{t('sup.staleHint')}</span>
    </div>
  );
}
