// The phone on the simulated floor: no SIP, the same states. It registers through CCS
// (POST /ui/agent/phone/register with the issued credentials) and renews the registration at a
// third of its lifetime; a renewal that fails (network, CCS away) puts it in reconnecting, and it
// tries again by itself (1 s doubling to 8 s) — meanwhile CCS lets the registration lapse and the
// agent leaves the floor. Refused credentials (CCS restarted, or new ones issued) are
// provisioned anew before the next try. Calls are the floor's:
// a customer connected to the agent (the desk's call) rings the phone, which answers by itself
// with a short tone; in nailed-up mode the phone's one line is answered once at registration and
// each customer is announced by the tone.
import { api, ApiError } from '../../api.ts';
import { retryDelayMs, type PhoneAdapter, type PhoneAdapterDeps } from './phone-adapter.ts';

const ANSWER_DELAY_MS = 300;

export function createSimulatedAdapter(deps: PhoneAdapterDeps): PhoneAdapter {
  let provision = deps.provision;
  let running = false;
  let registered = false;
  let failures = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let currentCall: string | null = null;
  let lineUp = false;
  const nailedUp = provision.agentMode === 'nailed-up';

  const later = (ms: number, fn: () => void) => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      fn();
    }, ms);
  };

  const answer = (announce: boolean) => {
    deps.dispatch({ type: 'incoming' });
    deps.dispatch({ type: 'answering' });
    if (announce) {
      deps.tone();
      deps.dispatch({ type: 'tone' });
    }
    setTimeout(() => deps.dispatch({ type: 'answered' }), ANSWER_DELAY_MS);
  };

  async function register(): Promise<void> {
    if (!running) return;
    try {
      const reply = await api<{ expiresSeconds: number }>(`${deps.base}/register`, { method: 'POST', body: { username: provision.username, password: provision.password } });
      if (!running) return;
      failures = 0;
      if (!registered) {
        registered = true;
        deps.dispatch({ type: 'registered' });
        if (nailedUp && !lineUp) {
          lineUp = true;
          answer(false);
        }
      }
      later(Math.max(500, (reply.expiresSeconds * 1000) / 3), () => void register());
    } catch (error) {
      if (!running) return;
      // 409: the desk holds no agent just now (CCS restarting brings it back when the desk
      // reconnects); a desk signed out stops the phone itself. 401: credentials CCS no longer has.
      if (error instanceof ApiError && (error.status === 401 || error.status === 409)) {
        const fresh = await deps.reprovision().catch(() => null);
        if (fresh) provision = fresh;
        else if (error.status === 401) deps.dispatch({ type: 'problem', problem: 'credentials' });
      }
      lost();
    }
  }

  function lost() {
    registered = false;
    lineUp = false;
    if (currentCall !== null || nailedUp) deps.dispatch({ type: 'call-ended' });
    const delay = retryDelayMs(failures++);
    deps.dispatch({ type: 'connection-lost', retryAt: Date.now() + delay });
    later(delay, () => {
      deps.dispatch({ type: 'registering' });
      void register();
    });
  }

  return {
    start() {
      if (running) return;
      running = true;
      deps.dispatch({ type: 'registering' });
      void register();
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = null;
      if (registered) await api(`${deps.base}/unregister`, { method: 'POST', body: {} }).catch(() => {});
      registered = false;
      deps.dispatch({ type: 'stopped' });
    },
    deskCall(callId) {
      if (callId === currentCall) return;
      const previous = currentCall;
      currentCall = callId;
      if (!registered) return;
      if (nailedUp) {
        // The line stays up; a new customer on it is announced.
        if (callId !== null) {
          deps.tone();
          deps.dispatch({ type: 'tone' });
        }
        return;
      }
      if (previous !== null) deps.dispatch({ type: 'call-ended' });
      if (callId !== null) answer(true);
    },
    microphoneChanged() {
      /* the simulated floor carries no audio */
    },
  };
}
