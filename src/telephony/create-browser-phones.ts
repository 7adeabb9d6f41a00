/**
 * The phone in the browser (`CCS_WEBRTC_PHONE=browser`) for the telephony driver in use: with
 * Asterisk the phones' passwords go to ARI's dynamic configuration and the phone registers to
 * Asterisk; on the simulated floor they stay in CCS and the phone registers with CCS, which
 * tells the floor (`setPhoneRegistered`). Null when agents use phones the PBX knows.
 */
import type { Config } from '../config/config.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { TelephonyDriver } from '../ports/telephony.ts';
import { createAgentPhones, memoryPhoneAuth, type AgentPhones } from '../web/agent-phone.ts';
import { createAriPhoneAuth } from './asterisk-ari/ari-phone-auth.ts';

/** The browser phones' auth objects live on the first Asterisk server (the one `CCS_WEBRTC_WS_URL` names). */
const firstServer = (config: Config) => {
  const s = config.ariServers[0]!;
  return { url: s.url, user: s.user, password: s.password };
};

type Floor = { setPhoneRegistered(agentCode: string, registered: boolean): void };
const isFloor = (driver: TelephonyDriver): driver is TelephonyDriver & Floor => typeof (driver as Partial<Floor>).setPhoneRegistered === 'function';

export function createBrowserPhones(config: Config, telephony: TelephonyDriver, deps: { clock: Clock; logger: Logger }): AgentPhones | null {
  if (config.webrtc.phone !== 'browser') return null;
  const simulated = config.telephony === 'simulator';
  const auth = simulated ? memoryPhoneAuth() : createAriPhoneAuth(firstServer(config), deps);
  return createAgentPhones({
    settings: config.webrtc,
    telephony: config.telephony,
    agentMode: config.agentMode,
    auth,
    ...(simulated && isFloor(telephony) ? { floor: telephony } : {}),
    clock: deps.clock,
    logger: deps.logger,
  });
}

/**
 * Supervisors' phones in the browser (`CCS_WEBRTC_PHONE=browser`): provisioned like a desk's
 * (the endpoint template, station = the account's `stationId`; an account without one gets no phone), rung by
 * monitoring. Never on the floor (no agent's presence follows them) and always one call at a
 * time (`on-answer`). Null without a browser phone.
 */
export function createSupervisorPhones(config: Config, deps: { clock: Clock; logger: Logger }): AgentPhones | null {
  if (config.webrtc.phone !== 'browser') return null;
  const simulated = config.telephony === 'simulator';
  const auth = simulated ? memoryPhoneAuth() : createAriPhoneAuth(firstServer(config), deps);
  return createAgentPhones({ settings: config.webrtc, telephony: config.telephony, agentMode: 'on-answer', auth, clock: deps.clock, logger: deps.logger.child({ phones: 'supervisors' }) });
}
