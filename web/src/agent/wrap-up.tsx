// Wrap-up: an optional note kept with the attempt, then back to ready. The note can be typed
// during the call already; it saves itself as it is typed (note-autosave.ts).
import { useRef, useState } from 'preact/hooks';
import { useI18n } from '../i18n.ts';
import { flushNotes, useNoteAutosave } from './note-autosave.ts';
import type { AgentState, DeskCall } from './types.ts';
import { DispositionPicker } from './disposition-picker.tsx';

export function WrapUp(props: {
  call: DeskCall;
  agentState: AgentState;
  act(path: string, body?: unknown): Promise<boolean>;
  /** The desk's agent, the service's zone and clock: the disposition picker needs them. */
  desk?: { agentCode: string; timeZone: string; serverNow(): number };
}) {
  const { t } = useI18n();
  const [note, setNote] = useState(props.call.note ?? '');
  const saving = useNoteAutosave(props.call.callId, note, props.call.note ?? '');
  const saved = saving === 'saved' && note.trim() !== '';
  const ended = props.call.endedAt !== null;

  const save = () => flushNotes();
  // The disposition picker's save: a required code missing, or a refused callback, keeps the agent here.
  const submitDisposition = useRef<() => Promise<boolean>>(async () => true);
  const saveAndReady = async () => {
    await flushNotes();
    if (!(await submitDisposition.current())) return;
    await props.act('/ui/agent/ready');
  };

  return (
    <div class={`card stack ${ended ? 'wrap-up' : ''}`} data-testid="wrap-up">
      {ended && <h3>{t('desk.wrapUp')}</h3>}
      <label>
        {t('desk.note')}
        <textarea rows={ended ? 4 : 2} maxLength={2000} value={note} onInput={(e) => setNote(e.currentTarget.value)} data-testid="note" />
      </label>
      {saved && (
        <p class="ok" data-testid="note-saved">
          {t('desk.noteSaved')}
        </p>
      )}
      {(saving === 'saving' || saving === 'unsaved') && (
        <p class="muted" data-testid="note-saving">
          {t('desk.noteSaving')}
        </p>
      )}
      {saving === 'failed' && (
        <p class="error" data-testid="note-not-saved">
          {t('desk.noteNotSaved')}
        </p>
      )}
      {ended && props.desk && !props.call.transferred && !props.call.consultEnded && (
        <DispositionPicker
          call={props.call}
          agentCode={props.desk.agentCode}
          timeZone={props.desk.timeZone}
          serverNow={props.desk.serverNow}
          register={(submit) => (submitDisposition.current = submit)}
        />
      )}
      {ended && (
        <div class="row gap">
          <button type="button" onClick={save} disabled={!note.trim()} data-testid="save-note">
            {t('desk.saveNote')}
          </button>
          <button type="button" class="primary" onClick={saveAndReady} data-testid="save-and-ready">
            {props.agentState === 'wrap-up' ? t('desk.saveAndReady') : t('desk.ready')}
          </button>
        </div>
      )}
    </div>
  );
}
