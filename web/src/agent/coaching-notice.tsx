// Tells the agent that a supervisor is coaching them: whispering (only the agent hears the
// supervisor) or barged in (the customer hears them too). A supervisor listening is never shown.
import { useI18n } from '../i18n.ts';
import { fill } from '../value-texts.ts';
import type { DeskCoaching } from './types.ts';

export function CoachingNotice(props: { coaching: DeskCoaching }) {
  const { t } = useI18n();
  const { mode, supervisor } = props.coaching;
  return (
    <div class="notice warn" role="status" data-testid="coaching-notice" data-mode={mode}>
      <strong>{fill(t(`desk.coached.${mode}`), { supervisor })}</strong>
    </div>
  );
}
