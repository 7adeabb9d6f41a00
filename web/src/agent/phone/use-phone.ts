// The desk's phone as a hook: provisioning (GET /ui/agent/phone; `{ kind: 'off' }` means agents
// use phones the PBX knows, and the desk shows no phone), the microphone (asked only when the
// agent presses the button that says why, or at once when the browser already allows it), the
// adapter the provisioning names, started once the microphone is granted and stopped when the
// desk signs out, and the chosen input and output devices. Nothing here is stored in the
// browser: the password lives in this hook's memory only.
import { useCallback, useEffect, useReducer, useRef, useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { audioDevices, chooseOutput, microphonePermission, openMicrophone, type AudioDevices } from './microphone.ts';
import type { PhoneAdapter, PhoneProvision } from './phone-adapter.ts';
import { initialPhoneState, phoneReducer, type PhoneState } from './phone-machine.ts';
import { createSimulatedAdapter } from './simulated-adapter.ts';
import { createSipAdapter } from './sip-adapter.ts';
import { playAnswerTone } from './tone.ts';

export interface Phone {
  /** 'off': no phone in the browser; 'loading': not provisioned yet; 'no-station': a supervisor's account has no phone station, so nothing registers. */
  availability: 'off' | 'loading' | 'on' | 'no-station';
  state: PhoneState;
  agentMode: PhoneProvision['agentMode'] | null;
  devices: AudioDevices;
  input: string | null;
  output: string | null;
  askMicrophone(): void;
  chooseInput(deviceId: string): void;
  chooseOutput(deviceId: string): void;
}

/** `off`: agents use phones the PBX knows (CCS_WEBRTC_PHONE=off); `no-station`: a supervisor's account names no phone station. */
const provisionPhone = (base: string) => api<PhoneProvision | { kind: 'off' } | { kind: 'no-station' }>(base);

/**
 * `base`: the desk's phone (`/ui/agent/phone`) or a supervisor's (`/ui/supervisor/phone`, rung
 * by monitoring; `deskCallId` is then the monitored call).
 */
export function usePhone(deskCallId: string | null, base = '/ui/agent/phone'): Phone {
  const [state, dispatch] = useReducer(phoneReducer, initialPhoneState);
  const [provision, setProvision] = useState<PhoneProvision | 'off' | 'no-station' | 'loading'>('loading');
  const [devices, setDevices] = useState<AudioDevices>({ inputs: [], outputs: [] });
  const [input, setInput] = useState<string | null>(null);
  const [output, setOutput] = useState<string | null>(null);
  const stream = useRef<MediaStream | null>(null);
  const adapter = useRef<PhoneAdapter | null>(null);
  const speaker = useRef<HTMLAudioElement | null>(null);
  speaker.current ??= typeof Audio === 'function' ? new Audio() : null;

  useEffect(() => {
    let gone = false;
    provisionPhone(base).then(
      (p) => !gone && setProvision(p.kind === 'off' || p.kind === 'no-station' ? p.kind : p),
      () => !gone && dispatch({ type: 'problem', problem: 'provisioning' }),
    );
    return () => {
      gone = true;
    };
  }, []);

  const useStream = (s: MediaStream) => {
    stream.current?.getTracks().forEach((t) => t.stop());
    stream.current = s;
  };

  const askMicrophone = useCallback(() => {
    dispatch({ type: 'mic-asking' });
    void openMicrophone(input).then((answer) => {
      if (answer.ok) {
        useStream(answer.stream);
        dispatch({ type: 'mic-granted' });
        void audioDevices().then(setDevices);
      } else dispatch({ type: 'mic-denied', noDevice: answer.noDevice });
    });
  }, [input]);

  // A browser that already allows the microphone is not asked again; one that refused it is said so.
  useEffect(() => {
    if (typeof provision !== 'object') return;
    void microphonePermission().then((permission) => {
      if (permission === 'granted') askMicrophone();
      else if (permission === 'denied') dispatch({ type: 'mic-denied' });
    });
  }, [typeof provision === 'object']);

  // The adapter runs while the microphone is granted.
  const granted = state.microphone === 'granted';
  useEffect(() => {
    if (!granted || typeof provision !== 'object' || !speaker.current) return;
    const deps = {
      provision,
      base,
      dispatch,
      microphone: () => stream.current,
      speaker: speaker.current,
      tone: () => playAnswerTone(),
      async reprovision() {
        try {
          const p = await provisionPhone(base);
          return p.kind === 'off' || p.kind === 'no-station' ? null : p;
        } catch {
          return null;
        }
      },
    };
    const a = provision.kind === 'sip' ? createSipAdapter(deps) : createSimulatedAdapter(deps);
    adapter.current = a;
    a.start();
    return () => {
      adapter.current = null;
      void a.stop();
    };
  }, [granted, provision]);

  useEffect(() => {
    adapter.current?.deskCall(deskCallId);
  }, [deskCallId, state.registration]);

  useEffect(
    () => () => {
      stream.current?.getTracks().forEach((t) => t.stop());
      if (speaker.current) speaker.current.srcObject = null;
    },
    [],
  );

  return {
    availability: typeof provision === 'object' ? 'on' : provision,
    state,
    agentMode: typeof provision === 'object' ? provision.agentMode : null,
    devices,
    input,
    output,
    askMicrophone,
    chooseInput(deviceId) {
      setInput(deviceId);
      void openMicrophone(deviceId).then((answer) => {
        if (!answer.ok) return;
        useStream(answer.stream);
        adapter.current?.microphoneChanged(answer.stream);
      });
    },
    chooseOutput(deviceId) {
      setOutput(deviceId);
      if (speaker.current) void chooseOutput(speaker.current, deviceId);
    },
  };
}
