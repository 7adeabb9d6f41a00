// A campaign's wrap-up dispositions for supervisors: how often each code was given, and the
// successes (the `final` codes configured with `success`).
import { useI18n } from '../i18n.ts';
import { usePolled } from '../live.ts';

export interface CodeCount {
  code: string;
  label: { vi: string; en: string };
  effect: string | null;
  success: boolean;
  count: number;
}

export interface CampaignDispositions {
  codes: CodeCount[];
  successes: number;
}

/** The campaign's codes with their labels and counts, read every 15 s. */
export function useCampaignDispositions(campaignId: number): CampaignDispositions | null {
  return usePolled<CampaignDispositions>(`/ui/supervisor/dispositions?campaignId=${campaignId}`, 15_000);
}

/** A code as the supervisor reads it: its label in the page's language (the code itself if unknown). */
export function dispositionLabel(data: CampaignDispositions | null, code: string, lang: string): string {
  const known = data?.codes.find((c) => c.code === code);
  return known ? (lang === 'en' ? known.label.en : known.label.vi) : code;
}

export function DispositionSummary(props: { data: CampaignDispositions | null }) {
  const { t, lang } = useI18n();
  const data = props.data;
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
