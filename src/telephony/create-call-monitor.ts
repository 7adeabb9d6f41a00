/**
 * Picks the call-monitor implementation that matches the telephony driver (`CCS_TELEPHONY`):
 * the simulated floor's model, fed the engine's connected and ended calls, or Asterisk's snoop
 * channels over ARI.
 */
import type { Config } from '../config/config.ts';
import type { EngineEvents } from '../engine/engine-events.ts';
import type { CallMonitor } from '../ports/call-monitor.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import { createAriCallMonitor } from './asterisk-ari/ari-call-monitor.ts';
import { createSimulatedCallMonitor } from './simulator/simulated-call-monitor.ts';

export function createCallMonitor(config: Config, deps: { clock: Clock; logger: Logger; events: Pick<EngineEvents, 'on'> }): CallMonitor {
  if (config.telephony !== 'simulator') {
    return createAriCallMonitor({ url: config.ari.url, user: config.ari.user, password: config.ari.password, app: `${config.ari.app}-monitor` }, deps);
  }
  const floor = createSimulatedCallMonitor({ clock: deps.clock });
  deps.events.on('call:connected', (e) => floor.callConnected(e.callId, e.agentCode));
  deps.events.on('call:ended', (e) => floor.callEnded(e.callId));
  return floor;
}
