// A campaign's wrap-up dispositions for supervisors: how often each code was given, and the
// successes (the `final` codes configured with `success`).
import { useI18n } from '../i18n.ts';
import { usePolled } from '../live.ts';

interface CodeCount {
  code: string;
  label: { vi: string; en: string };
  effect: string | null;
  success: boolean;
  count: number;
}

export function DispositionSummary(props: { campaignId: number }) {
  const { t, lang } = useI18n();
  const data = usePolled<{ codes: CodeCount[]; successes: number }>(`/ui/supervisor/dispositions?campaignId=${props.campaignId}`, 15_000);
  if (!data) return null;
  return (
    <section class="card stack" data-testid="disposition-summary">
      <h3>{t('disp.summary')}</h3>
      <p>
        {t('disp.successes')}: <strong data-testid="disposition-successes">{data.successes}</strong>
      </p>
      <ul class="row gap wrap plain">
        {data.codes.map((c) => (
          <li key={c.code} data-testid={`disposition-count-${c.code}`} data-count={c.count}>
            {lang === 'en' ? c.label.en : c.label.vi}: <strong>{c.count}</strong>
          </li>
        ))}
      </ul>
    </section>
  );
}
