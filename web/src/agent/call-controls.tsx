// The controls of a connected call: mute, hold/resume with a running hold timer, a DTMF keypad,
// transfer (blind, or consult first and then complete, conference or cancel) with a picker of
// ready agents, supervisors and (when the campaign's profile allows) outside numbers. What is
// shown comes from the server's state of the call (src/engine/call-controls.ts); a button only
// sends the intent. Shortcut keys are in desk-keys.ts.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { duration } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { useTick } from '../live.ts';
import { fill } from '../value-texts.ts';
import type { DeskCall, PartyRef, TransferTargets } from './types.ts';

type Act = (path: string, body?: unknown) => Promise<boolean>;

const DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

export function partyName(t: (key: string) => string, party: PartyRef): string {
  if (party.kind === 'number') return party.number;
  return party.agentCode.startsWith('Supervisor/') ? `${t('cc.supervisor')} ${party.agentCode.slice('Supervisor/'.length)}` : party.agentCode;
}

export function CallControls(props: { call: DeskCall; serverNow(): number; act: Act }) {
  const { t } = useI18n();
  useTick(1000);
  const [keypad, setKeypad] = useState(false);
  const [picking, setPicking] = useState(false);
  const c = props.call.controls;
  const transfer = c?.transfer ?? null;
  // A transfer started or finished closes the picker.
  useEffect(() => {
    if (transfer) setPicking(false);
  }, [transfer?.phase]);
  if (!c) return null;
  const post = (action: string, body: Record<string, unknown> = {}) => props.act(`/ui/agent/call/${action}`, { callId: props.call.callId, ...body });
  const consulting = transfer !== null && transfer.phase !== 'conference';
  const heldFor = c.held && c.heldSince !== null ? (props.serverNow() - c.heldSince) / 1000 : 0;

  return (
    <div class="stack call-controls" data-testid="call-controls">
      <div class="row wrap gap" role="group" aria-label={t('cc.group')}>
        <button type="button" aria-pressed={c.muted} aria-keyshortcuts="M" onClick={() => void post(c.muted ? 'unmute' : 'mute')} data-testid="mute">
          {c.muted ? t('cc.unmute') : t('cc.mute')} <kbd>M</kbd>
        </button>
        <button type="button" aria-pressed={c.held} aria-keyshortcuts="O" disabled={consulting} onClick={() => void post(c.held ? 'resume' : 'hold')} data-testid="hold">
          {c.held ? t('cc.resume') : t('cc.hold')} <kbd>O</kbd>
        </button>
        <button type="button" aria-expanded={keypad} aria-keyshortcuts="K" onClick={() => setKeypad(!keypad)} data-testid="keypad">
          {t('cc.keypad')} <kbd>K</kbd>
        </button>
        <button type="button" aria-expanded={picking} aria-keyshortcuts="T" disabled={transfer !== null} onClick={() => setPicking(!picking)} data-testid="transfer">
          {t('cc.transfer')} <kbd>T</kbd>
        </button>
        <button type="button" aria-keyshortcuts="C" disabled={transfer?.phase !== 'answered' || transfer.mode === 'blind'} onClick={() => void post('conference')} data-testid="conference">
          {t('cc.conference')} <kbd>C</kbd>
        </button>
      </div>
      {c.muted && (
        <p class="warn" role="status" data-testid="muted-note">
          {t('cc.mutedNote')}
        </p>
      )}
      {c.held && (
        <p class="hold-timer" role="status" data-testid="hold-timer">
          {t('cc.onHold')} <span data-testid="hold-seconds">{duration(heldFor)}</span>
        </p>
      )}
      {keypad && <Keypad onDigit={(digit) => void post('dtmf', { digits: digit })} />}
      {picking && !transfer && <TransferPicker post={post} />}
      {transfer && (
        <div class="card stack transfer-status" data-testid="transfer-status" data-phase={transfer.phase}>
          <p role="status">{fill(t(`cc.phase.${transfer.phase}`), { party: partyName(t, transfer.party) })}</p>
          <div class="row wrap gap">
            {transfer.phase !== 'ringing' && transfer.mode === 'attended' && (
              <button type="button" class="primary" onClick={() => void post('complete-transfer')} data-testid="transfer-complete">
                {t('cc.complete')}
              </button>
            )}
            <button type="button" onClick={() => void post('cancel-transfer')} data-testid="transfer-cancel">
              {transfer.phase === 'conference' ? t('cc.dropParty') : t('cc.cancel')}
            </button>
          </div>
        </div>
      )}
      {c.lastFailure && !transfer && (
        <p class="error" role="alert" data-testid="transfer-failed">
          {fill(t(`cc.failed.${c.lastFailure.reason}`), { party: partyName(t, c.lastFailure.party) })}
        </p>
      )}
    </div>
  );
}

function Keypad(props: { onDigit(digit: string): void }) {
  const { t } = useI18n();
  const [sent, setSent] = useState('');
  return (
    <div class="stack" data-testid="keypad-pad">
      <div class="keypad-grid" role="group" aria-label={t('cc.keypad')}>
        {DIGITS.map((d) => (
          <button
            type="button"
            key={d}
            onClick={() => {
              setSent((s) => (s + d).slice(-20));
              props.onDigit(d);
            }}
            data-testid={`dtmf-${d === '*' ? 'star' : d === '#' ? 'hash' : d}`}
          >
            {d}
          </button>
        ))}
      </div>
      {sent && (
        <p class="muted" data-testid="dtmf-sent">
          {t('cc.sent')} {sent}
        </p>
      )}
    </div>
  );
}

function TransferPicker(props: { post(action: string, body?: Record<string, unknown>): Promise<boolean> }) {
  const { t } = useI18n();
  const [targets, setTargets] = useState<TransferTargets | null>(null);
  const [choice, setChoice] = useState('');
  const [number, setNumber] = useState('');
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    api<TransferTargets>('/ui/agent/transfer-targets')
      .then((list) => {
        setTargets(list);
        setChoice(list.agents[0] ? `agent:${list.agents[0].agentCode}` : list.supervisors[0] ? `supervisor:${list.supervisors[0].username}` : list.external.allowed ? 'number:' : '');
      })
      .catch(() => setFailed(true));
  }, []);
  if (failed) return <p class="error">{t('cc.targetsFailed')}</p>;
  if (!targets) return <p class="muted">{t('app.loading')}</p>;
  const target = () => {
    const [kind, ...rest] = choice.split(':');
    const value = rest.join(':');
    if (kind === 'agent') return { kind, agentCode: value };
    if (kind === 'supervisor') return { kind, username: value };
    return { kind: 'number', number: number.trim() };
  };
  const ready = choice !== '' && (choice !== 'number:' || number.trim() !== '');
  const send = (mode: 'blind' | 'attended') => void props.post('transfer', { target: target(), mode });
  return (
    <div class="card stack transfer-picker" data-testid="transfer-picker">
      <label>
        {t('cc.target')}
        <select value={choice} onChange={(e) => setChoice(e.currentTarget.value)} data-testid="transfer-target">
          {targets.agents.length > 0 && (
            <optgroup label={t('cc.readyAgents')}>
              {targets.agents.map((a) => (
                <option key={a.agentCode} value={`agent:${a.agentCode}`}>
                  {a.agentCode}
                </option>
              ))}
            </optgroup>
          )}
          {targets.supervisors.length > 0 && (
            <optgroup label={t('cc.supervisors')}>
              {targets.supervisors.map((s) => (
                <option key={s.username} value={`supervisor:${s.username}`}>
                  {s.username}
                </option>
              ))}
            </optgroup>
          )}
          {targets.external.allowed && <option value="number:">{t('cc.outsideNumber')}</option>}
        </select>
      </label>
      {targets.agents.length === 0 && targets.supervisors.length === 0 && !targets.external.allowed && (
        <p class="muted" data-testid="no-targets">
          {t('cc.noTargets')}
        </p>
      )}
      {choice === 'number:' && (
        <label>
          {t('cc.number')}
          <input type="tel" inputMode="tel" value={number} onInput={(e) => setNumber(e.currentTarget.value)} data-testid="transfer-number" />
        </label>
      )}
      <div class="row wrap gap">
        <button type="button" disabled={!ready} onClick={() => send('blind')} data-testid="transfer-blind">
          {t('cc.blind')}
        </button>
        <button type="button" class="primary" disabled={!ready} onClick={() => send('attended')} data-testid="transfer-consult">
          {t('cc.consult')}
        </button>
      </div>
    </div>
  );
}
