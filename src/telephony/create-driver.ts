/** Picks the telephony driver named by `CCS_TELEPHONY`. */
import type { Config } from '../config/config.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { RecordingStore } from '../ports/recording-store.ts';
import type { TelephonyDriver } from '../ports/telephony.ts';
import { createAriDriver } from './asterisk-ari/ari-driver.ts';
import type { SimulatorConfig } from './simulator/simulator-config.ts';
import { createSimulatorDriver } from './simulator/simulator-driver.ts';

/** The simulated floor as the configuration describes it (`CCS_SIM_*`). */
export function simulatorSettings(config: Config): Partial<SimulatorConfig> {
  const s = config.simulator;
  return {
    seed: s.seed,
    agents: s.agents,
    answerRate: s.answerRate,
    busyRate: s.busyRate,
    congestionRate: s.congestionRate,
    failRate: s.failRate,
    ringSeconds: s.ringSeconds,
    talkSeconds: { kind: 'uniform', min: s.talkSeconds.min, max: s.talkSeconds.max },
    wrapUpSeconds: s.wrapUpSeconds,
  };
}

export async function createTelephonyDriver(config: Config, deps: { clock: Clock; logger: Logger; recordings: RecordingStore }): Promise<TelephonyDriver> {
  if (config.telephony === 'simulator') return createSimulatorDriver(simulatorSettings(config), deps);
  return createAriDriver(
    {
      url: config.ari.url,
      user: config.ari.user,
      password: config.ari.password,
      app: config.ari.app,
      dialTemplate: config.ari.dialTemplate,
      agentMode: config.agentMode,
      agents: config.agents.map((a) => ({ agentCode: a.agentCode, stationId: a.stationId, ...(a.endpoint ? { endpoint: a.endpoint } : {}) })),
      autoWrapUpSeconds: config.agentWrapUpSeconds,
    },
    deps,
  );
}
