// The microphone and the headset: permission (asked only when the agent presses the button
// that explains why), the chosen input and output devices, and the device lists.

export type MicrophoneAnswer = { ok: true; stream: MediaStream } | { ok: false; noDevice: boolean };

/** The permission as the browser has it now, without asking: granted, denied or prompt. */
export async function microphonePermission(): Promise<'granted' | 'denied' | 'prompt'> {
  try {
    const status = await navigator.permissions.query({ name: 'microphone' as PermissionName });
    return status.state;
  } catch {
    return 'prompt';
  }
}

export async function openMicrophone(deviceId: string | null): Promise<MicrophoneAnswer> {
  if (!navigator.mediaDevices?.getUserMedia) return { ok: false, noDevice: true };
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: deviceId ? { deviceId: { exact: deviceId } } : true, video: false });
    return { ok: true, stream };
  } catch (error) {
    const name = (error as DOMException)?.name;
    return { ok: false, noDevice: name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'NotReadableError' };
  }
}

export interface AudioDevices {
  inputs: { id: string; label: string }[];
  outputs: { id: string; label: string }[];
}

export async function audioDevices(): Promise<AudioDevices> {
  const all = await navigator.mediaDevices?.enumerateDevices?.().catch(() => [] as MediaDeviceInfo[]) ?? [];
  const pick = (kind: MediaDeviceKind) => all.filter((d) => d.kind === kind && d.deviceId).map((d, i) => ({ id: d.deviceId, label: d.label || `${kind} ${i + 1}` }));
  return { inputs: pick('audioinput'), outputs: pick('audiooutput') };
}

/** Whether the browser can send the other party's voice to a chosen output (setSinkId). */
export const canChooseOutput = () => typeof (HTMLMediaElement.prototype as { setSinkId?: unknown }).setSinkId === 'function';

export async function chooseOutput(audio: HTMLAudioElement, deviceId: string): Promise<boolean> {
  const el = audio as HTMLAudioElement & { setSinkId?(id: string): Promise<void> };
  if (!el.setSinkId) return false;
  try {
    await el.setSinkId(deviceId);
    return true;
  } catch {
    return false;
  }
}
