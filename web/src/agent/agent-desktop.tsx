// The agent desktop: sign in to the floor, ready/pause/sign out, the call in front of the
// agent with its CRM page, and wrap-up. State comes from the server and is refetched on every
// live event about this agent.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { announce } from '../announce.ts';
import { api, ApiError } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { useLiveStream } from '../live.ts';
import { errorText, fill } from '../value-texts.ts';
import { useDeskKeys } from './desk-keys.ts';
import { useIncomingCallAlert } from './incoming-alert.ts';
import { CallPanel } from './call-panel.tsx';
import { CrmPane } from './crm-pane.tsx';
import { DeskSignIn } from './desk-sign-in.tsx';
import { flushNotes } from './note-autosave.ts';
import { StatusPanel } from './status-panel.tsx';
import type { DeskOutbound, DeskState } from './types.ts';
import { WrapUp } from './wrap-up.tsx';
import { ManualDial } from './manual-dial.tsx';
import { OutboundPanel, PreviewPanel } from './preview-panel.tsx';
import { MyCallbacks } from './my-callbacks.tsx';
import { WrapUpCountdown } from './wrap-up-countdown.tsx';
import { CoachingNotice } from './coaching-notice.tsx';
import { PhonePanel } from './phone/phone-panel.tsx';
import { DeskCalling } from './desk-calling.tsx';

export interface DeskUser {
  username: string;
  agentCode: string | null;
  stationId: string | null;
}

export function AgentDesktop(props: { user: DeskUser; timeZone: string }) {
  const { t } = useI18n();
  const [state, setState] = useState<DeskState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const offset = useRef(0);

  const refresh = useCallback(async () => {
    try {
      const s = await api<DeskState>('/ui/agent/state');
      offset.current = s.serverNow - Date.now();
      setState(s);
    } catch (err) {
      setError(errorText(t, err));
    }
  }, [t]);

  const act = useCallback(async (path: string, body?: unknown) => {
    setError(null);
    // Whatever the agent does next, the note typed so far is stored first.
    await flushNotes();
    try {
      const s = await api<DeskState>(path, { method: 'POST', body: body ?? {} });
      offset.current = s.serverNow - Date.now();
      setState(s);
      return true;
    } catch (err) {
      setError(err instanceof ApiError ? t(`deskError.${err.code}`, errorText(t, err)) : errorText(t, err));
      return false;
    }
  }, [t]);

  useEffect(() => {
    void refresh();
  }, []);
  // `lost`: CCS is not answering (restart, network): the desk says so and rejoins by itself.
  const { connected, lost } = useLiveStream(() => void refresh());
  // After a reconnect, catch up on what happened meanwhile.
  useEffect(() => {
    if (connected) void refresh();
  }, [connected]);

  const agentState = state?.agent?.state ?? null;
  const callId = state?.call?.callId ?? null;
  // Screen readers hear every change of the agent's state, and each new call.
  const spoken = useRef<string | null>(null);
  useEffect(() => {
    if (!agentState || !state?.desk) return;
    const key = `${agentState}|${callId}`;
    if (spoken.current === key) return;
    const first = spoken.current === null;
    spoken.current = key;
    if (first) return;
    announce(fill(t('desk.stateNow'), { state: t(`state.${agentState}`) }) + (state.call && state.call.endedAt === null && agentState !== 'wrap-up' ? ` ${fill(t('desk.incoming'), { phone: state.call.phoneNumber })}` : ''));
  }, [agentState, callId]);
  useIncomingCallAlert(state !== null, state?.call && state.call.endedAt === null ? state.call.callId : null, t('desk.incomingTitle'));
  useDeskKeys();

  if (!state) return <div class="centered">{error ? <p class="error" role="alert">{error}</p> : <span class="muted">{t('app.loading')}</span>}</div>;
  const serverNow = () => Date.now() + offset.current;
  // An ended call stays on screen for its note until something newer needs the desk: after a
  // wrap-up ended by its time limit the agent is ready again with that call still in the state,
  // and an offer (a preview, a personal callback) or a manual leg must not be hidden behind it.
  const call = state.call && (state.call.endedAt === null || (!state.offer && !state.outbound)) ? state.call : null;
  // The agent's own call being placed or ringing: the contact and its page stay in front of it.
  const calling = !call && state.outbound && state.outbound.state !== 'ended' ? state.outbound : null;
  const page = call ?? offerPage(state.offer) ?? (calling ? callingPage(calling) : null);

  return (
    <div class="desk" data-testid="agent-desktop">
      <aside class="desk-side">
        <div class="row between">
          <h1>{t('desk.title')}</h1>
          <LiveBadge connected={connected} />
        </div>
        {lost && (
          <div class="service-lost" role="alert" data-testid="service-lost">
            <strong>{t('desk.serviceLost')}</strong>
            <span>{t('desk.serviceLostHint')}</span>
          </div>
        )}
        {error && (
          <p class="error" role="alert" data-testid="desk-error">
            {error}
          </p>
        )}
        {!state.desk ? (
          <DeskSignIn user={props.user} onSignIn={(agentCode, stationId) => act('/ui/agent/sign-in', { agentCode, stationId })} />
        ) : (
          <>
            <StatusPanel state={state} serverNow={serverNow} act={act} />
            <PhonePanel key={state.desk.agentCode} callId={call && call.endedAt === null ? call.callId : null} />
            {state.coaching && <CoachingNotice coaching={state.coaching} />}
            {state.agent?.state === 'wrap-up' && state.agent.wrapUpEndsAt != null && <WrapUpCountdown since={state.agent.since} endsAt={state.agent.wrapUpEndsAt} serverNow={serverNow} pauseAfter={state.agent.pauseAfterCall ?? null} />}
            {!call && state.offer && <PreviewPanel key={`${state.offer.campaignId}/${state.offer.contactId}`} offer={state.offer} serverNow={serverNow} timeZone={props.timeZone} act={act} />}
            {!call && state.outbound && <OutboundPanel outbound={state.outbound} onHangup={() => act('/ui/agent/outbound/hangup')} />}
            {call && <CallPanel call={call} serverNow={serverNow} onHangup={() => act('/ui/agent/hangup')} timeZone={props.timeZone} act={act} />}
            {call && <WrapUp key={call.callId} call={call} agentState={state.agent?.state ?? 'offline'} act={act} desk={state.desk ? { agentCode: state.desk.agentCode, timeZone: props.timeZone, serverNow } : undefined} />}
            <MyCallbacks refreshKey={`${state.agent?.state ?? ''}|${call?.callId ?? ''}|${call?.endedAt ?? ''}`} act={act} />
            {!call && !state.offer && <ManualDial enabled={state.agent?.state === 'ready'} act={act} />}
            <p class="keys muted" data-testid="desk-keys">
              {t('desk.keys')}
            </p>
          </>
        )}
      </aside>
      <section class="desk-main">
        {lost && !call ? (
          <div class="crm-empty" data-testid="crm-lost">
            <div class="big-icon">⚠</div>
            <h2>{t('desk.serviceLost')}</h2>
            <p class="muted">{t('desk.serviceLostHint')}</p>
          </div>
        ) : (
          <>
            {calling && <DeskCalling outbound={calling} alone={!page} onCancel={() => void act('/ui/agent/outbound/hangup')} />}
            {(page || !calling) && <CrmPane call={page} agentState={state.agent?.state ?? null} signedIn={state.desk !== null} />}
          </>
        )}
      </section>
    </div>
  );
}

/** The offered contact's CRM page, shown like a call's (same framing rules) before any call. */
function offerPage(offer: DeskState['offer']): DeskState['call'] {
  if (!offer) return null;
  return {
    callId: `offer-${offer.campaignId}-${offer.contactId}`,
    campaignId: offer.campaignId,
    contactId: offer.contactId,
    attemptNo: null,
    phoneNumber: offer.phoneNumber,
    linkedit: offer.linkedit,
    framing: offer.framing,
    connectedAt: offer.offeredAt,
    endedAt: null,
    status: null,
    note: null,
  };
}

/**
 * The called contact's page while its leg rings: the same key as its offer's, so the frame (and
 * whatever the agent did in it) is kept, and a page the CRM refuses to frame is not opened again.
 */
function callingPage(outbound: DeskOutbound): DeskState['call'] {
  if (outbound.campaignId === null || outbound.contactId === null) return null;
  return {
    callId: `offer-${outbound.campaignId}-${outbound.contactId}`,
    campaignId: outbound.campaignId,
    contactId: outbound.contactId,
    attemptNo: null,
    phoneNumber: outbound.phoneNumber,
    linkedit: outbound.linkedit,
    framing: outbound.framing,
    connectedAt: outbound.startedAt,
    endedAt: null,
    status: null,
    note: null,
  };
}

export function LiveBadge(props: { connected: boolean }) {
  const { t } = useI18n();
  return (
    <span class={`live-badge ${props.connected ? 'on' : 'off'}`} data-testid="live-badge">
      <span class="dot" />
      {props.connected ? t('app.live') : t('app.reconnecting')}
    </span>
  );
}
