/**
 * The demo accounts used when the configuration names none, so `npm start` can be tried at
 * once. Their passwords are public (documented in the README), so a cheap hash cost is used.
 * The service logs a warning while they are in use.
 *
 *   admin / admin            admin
 *   supervisor / supervisor  supervisor, browser phone station `supervisor`
 *   agent1 / agent1          agent Agent/1001, station 1001 (agent2, agent3 likewise: 1002, 1003)
 */
import { randomBytes, scryptSync } from 'node:crypto';
import type { Account } from './accounts.ts';

const DEMO_COST = { N: 1024, r: 8, p: 1 };

function cheapHash(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password.normalize('NFC'), salt, 32, DEMO_COST);
  return `scrypt$${DEMO_COST.N}$${DEMO_COST.r}$${DEMO_COST.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export const DEMO_AGENT_CODES = ['Agent/1001', 'Agent/1002', 'Agent/1003'] as const;

export function demoAccounts(): Account[] {
  const staff: Account[] = [
    { username: 'admin', passwordHash: cheapHash('admin'), role: 'admin', agentCode: null, stationId: null },
    // The supervisor's phone in the browser is station `supervisor` (webrtc-supervisor in deploy/asterisk/conf); admin has none.
    { username: 'supervisor', passwordHash: cheapHash('supervisor'), role: 'supervisor', agentCode: null, stationId: 'supervisor' },
  ];
  const agents = DEMO_AGENT_CODES.map((code, i): Account => ({
    username: `agent${i + 1}`,
    passwordHash: cheapHash(`agent${i + 1}`),
    role: 'agent',
    agentCode: code,
    stationId: code.split('/')[1]!,
  }));
  return [...staff, ...agents];
}
