/** Picks the telephony driver named by `CCS_TELEPHONY`: the simulated floor, one Asterisk, or several behind one driver. */
import type { AriServerSetting, Config } from '../config/config.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { RecordingStore } from '../ports/recording-store.ts';
import type { TelephonyDriver } from '../ports/telephony.ts';
import { createAriDriver } from './asterisk-ari/ari-driver.ts';
import { createMultiServerDriver } from './multi-server/multi-server-driver.ts';
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
  const servers = config.ariServers;
  const agentsOf = (server: AriServerSetting | null) =>
    config.agents
      // One server: every agent. Several: the server's own, and those with no server yet (found when their phone comes online).
      .filter((a) => server === null || a.server === undefined || a.server === server.name)
      .map((a) => ({ agentCode: a.agentCode, stationId: a.stationId, ...(a.endpoint ? { endpoint: a.endpoint } : {}) }));
  const ariDriver = (server: AriServerSetting, several: boolean) =>
    createAriDriver(
      {
        url: server.url,
        user: server.user,
        password: server.password,
        app: server.app,
        dialTemplate: server.dialTemplate,
        agentMode: config.agentMode,
        agents: agentsOf(several ? server : null),
        autoWrapUpSeconds: config.agentWrapUpSeconds,
      },
      several ? { ...deps, logger: deps.logger.child({ server: server.name }) } : deps,
    );
  if (servers.length === 1 && servers[0]!.channelLimit === 0) return ariDriver(servers[0]!, false);
  const agentServers = new Map<string, string>();
  for (const a of config.agents) if (a.server !== undefined) agentServers.set(a.agentCode, a.server);
  return createMultiServerDriver(
    servers.map((server) => ({ name: server.name, channelLimit: server.channelLimit, driver: ariDriver(server, true) })),
    { agentServers, downGraceMs: config.ariServerDownSeconds * 1000 },
    deps,
  );
}
