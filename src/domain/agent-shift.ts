/**
 * An agent's shift: the one state machine that says what an agent on the floor is doing. The
 * engine keeps one per agent (src/engine/agent-pool.ts); the dialer, the supervisor dashboard,
 * the metrics and the agent desktop all read it, and the desktop only sends intents to it.
 *
 * States:
 *  - `offline`   the agent's phone is not registered: no call can reach the agent. A pause
 *                taken before (or while) offline is remembered and comes back with the phone.
 *  - `ready`     waiting for a call; the dialer connects customers to ready agents only.
 *  - `reserved`  a customer who answered is being bridged to the agent (the phone rings).
 *  - `talking`   agent and customer are connected.
 *  - `wrap-up`   the call is over; the agent finishes its note. Ends when the agent presses
 *                ready or pause, or when the wrap-up time runs out.
 *  - `paused`    with a reason (break, lunch, meeting…): no calls are routed to the agent.
 *
 * Intents (what the agent asks) are answered by the machine: accepted, turned into a pending
 * intent, or refused with a reason the desk shows.
 *  - pause while `reserved` or `talking` is "pause after this call": the agent keeps talking
 *    (and is shown talking), and goes to `paused` when the call (and its wrap-up) is over;
 *    ready during the call cancels that pending pause. Pause in `wrap-up` pauses at once.
 *  - cancel-pause-after-call drops the pending pause and nothing else: in `wrap-up` the agent
 *    stays in wrap-up (ready when it ends), unlike ready, which ends wrap-up at once.
 *  - sign-out is refused while a call (`reserved`, `talking`) or its wrap-up is open.
 *  - ready is refused while `offline` (no phone to take calls on).
 *  - ready and pause are refused in `wrap-up` while the call still owes a required
 *    disposition (`codeDueFor`, set by `call-ended` when the profile requires a code, cleared
 *    by `code-recorded` for that call): the server enforces it, not only the desk. The wrap-up
 *    time limit ends wrap-up anyway; that call then keeps no code (logged by the engine).
 *
 * Events from the floor (phone presence, a customer reserved, connected, the call's end, the
 * wrap-up timer) move the machine too; one that does not fit the state is refused and changes
 * nothing. Every transition is a row of test/unit/domain/agent-shift.test.ts.
 */

export type ShiftState = 'offline' | 'ready' | 'reserved' | 'talking' | 'wrap-up' | 'paused';

export interface Pause {
  reason: string | null;
}

export interface Shift {
  readonly state: ShiftState;
  /** Whether the agent's phone is registered (telephony presence). */
  readonly phoneUp: boolean;
  /** The pause in force (`paused`), or remembered while `offline`. */
  readonly pause: Pause | null;
  /** A pause asked for during a call, taken when the call and its wrap-up are over. */
  readonly pauseAfterCall: Pause | null;
  /** When the current state began. */
  readonly since: number;
  /** The call (id) whose required disposition is still missing; wrap-up cannot be left before it. */
  readonly codeDueFor?: string | null;
}

/** What the agent asks for. */
export type ShiftIntent = { type: 'ready' } | { type: 'pause'; reason: string | null } | { type: 'cancel-pause-after-call' } | { type: 'sign-out' };

/** What the floor reports. */
export type ShiftEvent =
  | { type: 'phone-online' }
  | { type: 'phone-offline' }
  /** A customer who answered is being bridged to the agent. */
  | { type: 'reserve' }
  /** The bridge failed, or the customer hung up before it came up. */
  | { type: 'bridge-failed' }
  | { type: 'connect' }
  /** The connected call ended; `codeRequiredFor`: that call must get a disposition before wrap-up ends. */
  | { type: 'call-ended'; codeRequiredFor?: string }
  /** A disposition was stored for this call. */
  | { type: 'code-recorded'; callId: string }
  | { type: 'wrap-up-timeout' };

export type ShiftInput = ShiftIntent | ShiftEvent;

/** Why an input was refused: `in-call` and `in-wrap-up` are shown to the agent. */
export type ShiftRefusal = 'in-call' | 'in-wrap-up' | 'offline' | 'code-required' | 'not-now';

export type ShiftStep = { ok: true; shift: Shift } | { ok: false; refusal: ShiftRefusal };

export function newShift(phoneUp: boolean, at: number): Shift {
  return { state: phoneUp ? 'ready' : 'offline', phoneUp, pause: null, pauseAfterCall: null, since: at };
}

const refuse = (refusal: ShiftRefusal): ShiftStep => ({ ok: false, refusal });

/** The state an agent is in once no call holds it: its pause, else ready, unless the phone is down. */
function free(shift: Shift, pause: Pause | null, at: number): Shift {
  return move(shift, { state: shift.phoneUp ? (pause ? 'paused' : 'ready') : 'offline', pause, pauseAfterCall: null, codeDueFor: null }, at);
}

function move(shift: Shift, change: Partial<Shift>, at: number): Shift {
  const next = { ...shift, ...change };
  return next.state === shift.state && samePause(next.pause, shift.pause) ? { ...next, since: shift.since } : { ...next, since: at };
}

const samePause = (a: Pause | null, b: Pause | null) => (a === null ? b === null : b !== null && a.reason === b.reason);
const inCall = (state: ShiftState) => state === 'reserved' || state === 'talking';
const codeDue = (shift: Shift) => shift.state === 'wrap-up' && !!shift.codeDueFor;

/** The next shift after `input` at `at`, or why it is refused (the shift is then unchanged). */
export function stepShift(shift: Shift, input: ShiftInput, at: number): ShiftStep {
  const { state } = shift;
  const ok = (next: Shift): ShiftStep => ({ ok: true, shift: next });
  switch (input.type) {
    case 'ready':
      if (state === 'offline') return refuse('offline');
      if (inCall(state)) return ok({ ...shift, pauseAfterCall: null });
      if (codeDue(shift)) return refuse('code-required');
      return ok(free(shift, null, at));
    case 'pause': {
      const pause = { reason: input.reason };
      if (inCall(state)) return ok({ ...shift, pauseAfterCall: pause });
      if (state === 'offline') return ok(move(shift, { pause }, at));
      if (codeDue(shift)) return refuse('code-required');
      return ok(free(shift, pause, at));
    }
    case 'cancel-pause-after-call':
      return ok({ ...shift, pauseAfterCall: null });
    case 'sign-out':
      if (inCall(state)) return refuse('in-call');
      if (state === 'wrap-up') return refuse('in-wrap-up');
      return ok(move(shift, { state: 'offline', pause: null, pauseAfterCall: null }, at));
    case 'phone-online':
      if (state === 'offline') return ok(free({ ...shift, phoneUp: true }, shift.pause, at));
      return ok({ ...shift, phoneUp: true });
    case 'phone-offline':
      // A call in progress goes on (its end decides); otherwise no call can reach the agent.
      if (state === 'talking' || state === 'wrap-up') return ok({ ...shift, phoneUp: false });
      return ok(move(shift, { state: 'offline', phoneUp: false, pause: shift.pauseAfterCall ?? shift.pause, pauseAfterCall: null }, at));
    case 'reserve':
      return state === 'ready' ? ok(move(shift, { state: 'reserved' }, at)) : refuse('not-now');
    case 'bridge-failed':
      return state === 'reserved' ? ok(free(shift, shift.pauseAfterCall, at)) : refuse('not-now');
    case 'connect':
      return state === 'reserved' ? ok(move(shift, { state: 'talking' }, at)) : refuse('not-now');
    case 'call-ended':
      return state === 'talking' ? ok(move(shift, { state: 'wrap-up', codeDueFor: input.codeRequiredFor ?? null }, at)) : refuse('not-now');
    case 'code-recorded':
      // Only the code of the call being wrapped up releases it (a late code for an older call does not).
      return shift.codeDueFor && shift.codeDueFor === input.callId ? ok({ ...shift, codeDueFor: null }) : refuse('not-now');
    case 'wrap-up-timeout':
      // The limit ends wrap-up even without a required code: an agent is never stranded.
      return state === 'wrap-up' ? ok(free(shift, shift.pauseAfterCall, at)) : refuse('not-now');
  }
}

/** How the shift reads for the dialer and the pacers (which count activity and pauses apart). */
export function activityOf(state: ShiftState): 'idle' | 'reserved' | 'talking' | 'wrap-up' {
  return state === 'reserved' || state === 'talking' || state === 'wrap-up' ? state : 'idle';
}
