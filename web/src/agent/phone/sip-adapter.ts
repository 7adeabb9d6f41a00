// The phone over SIP to Asterisk (JsSIP): REGISTER over WebSocket (wss in production) with the
// credentials CCS issued, renewed by JsSIP before they expire. A lost WebSocket or network is
// retried by JsSIP's connection recovery (2 s doubling to 30 s) and the phone registers again
// once the socket is back; meanwhile the agent sees "reconnecting" and Asterisk reports the
// endpoint offline, which takes the agent off the floor. A registration the PBX refuses or
// fails is tried again after 2 s, doubling to 5 min (registrationRetryMs); refused credentials
// (401/403) are provisioned anew before each try. Every call Asterisk sends (a dialer call in on-answer mode, the
// shift's line into the holding bridge in nailed-up mode, a transfer) is answered by itself
// after a short tone, with the chosen microphone; the other party plays on the chosen output.
// ICE and media failures become a problem the desk words for a person.
import { registrationRetryMs, retryDelayMs, type PhoneAdapter, type PhoneAdapterDeps, type PhoneProvision } from './phone-adapter.ts';

type JsSipModule = typeof import('jssip');
type UA = InstanceType<JsSipModule['UA']>;
/** What the phone uses of JsSIP's RTCSession. */
interface Session {
  on(event: 'peerconnection', listener: (e: { peerconnection: RTCPeerConnection }) => void): void;
  on(event: 'confirmed' | 'ended' | 'failed', listener: (e: { cause?: string }) => void): void;
  answer(options: { mediaStream?: MediaStream; mediaConstraints?: MediaStreamConstraints; pcConfig?: RTCConfiguration }): void;
  terminate(options?: { status_code?: number; reason_phrase?: string }): void;
  isInProgress(): boolean;
  isEnded(): boolean;
  readonly connection: RTCPeerConnection | null | undefined;
}

const ANSWER_DELAY_MS = 250;

export function createSipAdapter(deps: PhoneAdapterDeps): PhoneAdapter {
  let provision = deps.provision;
  let ua: UA | null = null;
  let running = false;
  let everRegistered = false;
  let refreshedCredentials = false;
  let lostCount = 0;
  /** Registrations refused or failed in a row (not a lost socket): spaces the next attempt. */
  let failures = 0;
  let session: Session | null = null;
  const nailedUp = provision.agentMode === 'nailed-up';

  const pcConfig = () => peerConnectionConfig(provision);

  const lost = () => {
    deps.dispatch({ type: 'connection-lost', retryAt: Date.now() + retryDelayMs(lostCount++) * 2 });
  };

  function attach(s: Session) {
    session = s;
    deps.dispatch({ type: 'incoming' });
    s.on('peerconnection', (e: { peerconnection: RTCPeerConnection }) => watch(e.peerconnection));
    s.on('confirmed', () => {
      deps.dispatch({ type: 'answered' });
      const pc = s.connection;
      if (pc) hear(pc);
    });
    const ended = (e: { cause?: string }) => {
      if (session === s) session = null;
      deps.dispatch({ type: 'call-ended' });
      const cause = String(e?.cause ?? '');
      if (/RTP Timeout|SIP Failure Code|Incompatible SDP|User Denied Media Access|Missing SDP|Bad Media Description/i.test(cause)) deps.dispatch({ type: 'problem', problem: 'media' });
    };
    s.on('ended', ended);
    s.on('failed', ended);
    // Auto-answer: a short tone, then the call is taken with the chosen microphone.
    deps.dispatch({ type: 'answering' });
    deps.tone();
    deps.dispatch({ type: 'tone' });
    setTimeout(() => {
      if (session !== s || !s.isInProgress()) return;
      const stream = deps.microphone();
      try {
        s.answer({ ...(stream ? { mediaStream: stream } : { mediaConstraints: { audio: true, video: false } }), pcConfig: pcConfig() });
      } catch {
        deps.dispatch({ type: 'problem', problem: 'media' });
      }
    }, ANSWER_DELAY_MS);
  }

  function watch(pc: RTCPeerConnection) {
    pc.addEventListener('iceconnectionstatechange', () => {
      if (pc.iceConnectionState === 'failed') deps.dispatch({ type: 'problem', problem: 'ice' });
      if (pc.iceConnectionState === 'connected' || pc.iceConnectionState === 'completed') deps.dispatch({ type: 'problem-cleared' });
    });
    pc.addEventListener('track', (e) => {
      deps.speaker.srcObject = e.streams[0] ?? new MediaStream([e.track]);
      void deps.speaker.play().catch(() => {});
    });
  }

  function hear(pc: RTCPeerConnection) {
    const tracks = pc.getReceivers().map((r) => r.track).filter((t): t is MediaStreamTrack => Boolean(t));
    if (tracks.length && !deps.speaker.srcObject) {
      deps.speaker.srcObject = new MediaStream(tracks);
      void deps.speaker.play().catch(() => {});
    }
  }

  async function start() {
    let JsSIP: JsSipModule;
    try {
      const mod = (await import('jssip')) as JsSipModule & { default?: JsSipModule };
      JsSIP = mod.default ?? mod;
    } catch {
      deps.dispatch({ type: 'problem', problem: 'unsupported' });
      return;
    }
    if (!running) return;
    if (!provision.wsUrl) {
      deps.dispatch({ type: 'problem', problem: 'provisioning' });
      return;
    }
    const socket = new JsSIP.WebSocketInterface(provision.wsUrl);
    const agent = new JsSIP.UA({
      sockets: [socket],
      uri: provision.sipUri,
      authorization_user: provision.username,
      password: provision.password,
      display_name: provision.displayName,
      register: true,
      register_expires: provision.registerSeconds,
      session_timers: false,
      connection_recovery_min_interval: 2,
      connection_recovery_max_interval: 30,
      user_agent: 'CCS desk',
    });
    ua = agent;
    agent.on('connecting', () => deps.dispatch({ type: 'registering' }));
    agent.on('disconnected', () => {
      if (running) lost();
    });
    agent.on('registered', () => {
      everRegistered = true;
      refreshedCredentials = false;
      lostCount = 0;
      failures = 0;
      deps.dispatch({ type: 'registered' });
    });
    agent.on('unregistered', () => {
      if (running) lost();
    });
    agent.on('registrationFailed', (e: { cause?: string }) => {
      if (!running) return;
      const cause = String(e?.cause ?? '');
      const refused = cause === JsSIP.C.causes.AUTHENTICATION_ERROR || cause === JsSIP.C.causes.REJECTED;
      // Fresh credentials were refused too: the PBX does not know this phone (no such endpoint).
      if (refused && refreshedCredentials) deps.dispatch({ type: 'problem', problem: 'credentials' });
      // Not a lost socket (JsSIP would recover it): try again by itself, backing off so that a
      // phone the PBX keeps refusing does not ask it every few seconds.
      const delay = registrationRetryMs(failures++);
      deps.dispatch({ type: 'connection-lost', retryAt: Date.now() + delay });
      setTimeout(() => {
        if (!running || ua !== agent || !agent.isConnected()) return;
        if (!refused) return void agent.register();
        // Refused credentials (CCS issued new ones, or restarted): provisioned anew first.
        refreshedCredentials = true;
        void deps.reprovision().then((fresh) => {
          if (!running || ua !== agent) return;
          if (!fresh) return void deps.dispatch({ type: 'problem', problem: 'credentials' });
          provision = fresh;
          agent.set('password', fresh.password);
          agent.register();
        });
      }, delay);
    });
    agent.on('newRTCSession', (e: { originator: string; session: unknown }) => {
      if (e.originator !== 'remote') return;
      const incoming = e.session as Session;
      if (session && session.isInProgress()) {
        incoming.terminate({ status_code: 486, reason_phrase: 'Busy Here' });
        return;
      }
      attach(incoming);
    });
    agent.start();
  }

  return {
    start() {
      if (running) return;
      running = true;
      void start();
    },
    async stop() {
      running = false;
      const agent = ua;
      ua = null;
      if (session && !session.isEnded()) session.terminate();
      session = null;
      if (agent) {
        if (everRegistered) agent.unregister({ all: false });
        agent.stop();
      }
      deps.dispatch({ type: 'stopped' });
    },
    deskCall(callId) {
      // Asterisk rings the phone itself; in nailed-up mode a new customer on the line is announced.
      if (nailedUp && callId !== null && session && !session.isEnded()) {
        deps.tone();
        deps.dispatch({ type: 'tone' });
      }
    },
    microphoneChanged(stream) {
      const pc = session?.connection;
      const track = stream.getAudioTracks()[0];
      if (!pc || !track) return;
      for (const sender of pc.getSenders()) if (sender.track?.kind === 'audio') void sender.replaceTrack(track).catch(() => {});
    },
  };
}

/** The call's RTCPeerConnection configuration: the ICE servers, and relay-only ICE when the operator forces TURN. */
export function peerConnectionConfig(provision: Pick<PhoneProvision, 'iceServers' | 'iceTransportPolicy'>): RTCConfiguration {
  return { iceServers: provision.iceServers.map(iceServer), iceTransportPolicy: provision.iceTransportPolicy === 'relay' ? 'relay' : 'all' };
}

/** `turn:user:pass@host:3478` → an RTCIceServer with its credentials; `stun:host` as is. */
export function iceServer(url: string): RTCIceServer {
  const m = /^(turns?):([^:@]+):([^@]+)@(.+)$/i.exec(url);
  if (m) return { urls: `${m[1]}:${m[4]}`, username: decodeURIComponent(m[2]!), credential: decodeURIComponent(m[3]!) };
  return { urls: url };
}
