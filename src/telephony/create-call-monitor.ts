/**
 * Picks the call-monitor implementation that matches the telephony driver (`CCS_TELEPHONY`):
 * the simulated floor's model, fed the engine's connected and ended calls, or Asterisk's snoop
 * channels over ARI (one monitor per Asterisk server, a session on the server holding its call;
 * on PostgreSQL, where several nodes may share the servers, under this node's own application name).
 */
import type { Config } from '../config/config.ts';
import type { EngineEvents } from '../engine/engine-events.ts';
import type { CallMonitor } from '../ports/call-monitor.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import { isPostgresUrl } from '../store/connect.ts';
import { createAriCallMonitor, monitorAppName } from './asterisk-ari/ari-call-monitor.ts';
import { createMultiServerCallMonitor } from './multi-server/multi-server-call-monitor.ts';
import { createSimulatedCallMonitor } from './simulator/simulated-call-monitor.ts';

export function createCallMonitor(config: Config, deps: { clock: Clock; logger: Logger; events: Pick<EngineEvents, 'on'> }): CallMonitor {
  if (config.telephony !== 'simulator') {
    const clusterNodeId = isPostgresUrl(config.databaseUrl) ? config.cluster.nodeId : null;
    const monitors = config.ariServers.map((s) =>
      createAriCallMonitor(
        { url: s.url, user: s.user, password: s.password, app: monitorAppName(s.app, clusterNodeId) },
        config.ariServers.length > 1 ? { ...deps, logger: deps.logger.child({ server: s.name }) } : deps,
      ),
    );
    return monitors.length === 1 ? monitors[0]! : createMultiServerCallMonitor(monitors);
  }
  const floor = createSimulatedCallMonitor({ clock: deps.clock });
  deps.events.on('call:connected', (e) => floor.callConnected(e.callId, e.agentCode));
  deps.events.on('call:ended', (e) => floor.callEnded(e.callId));
  return floor;
}
