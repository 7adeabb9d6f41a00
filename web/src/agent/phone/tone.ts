// The short tone an auto-answered call plays to the agent: a customer is on the line.

let context: AudioContext | null = null;

export function playAnswerTone(durationMs = 250, frequencyHz = 880): void {
  try {
    context ??= new AudioContext();
    if (context.state === 'suspended') void context.resume().catch(() => {});
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    gain.gain.value = 0.12;
    oscillator.frequency.value = frequencyHz;
    oscillator.connect(gain).connect(context.destination);
    oscillator.start();
    oscillator.stop(context.currentTime + durationMs / 1000);
  } catch {
    /* no audio output available: the desk shows the call all the same */
  }
}
