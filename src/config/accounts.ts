/**
 * The `accounts` list of the config file: who may sign in to the web UI.
 *
 *   "accounts": [
 *     { "username": "lan", "passwordHash": "scrypt$16384$8$1$…", "role": "agent",
 *       "agentCode": "Agent/1001", "stationId": "1001" },
 *     { "username": "minh", "passwordHash": "scrypt$…", "role": "supervisor", "monitorEndpoint": "PJSIP/sup1" }
 *   ]
 *
 * `monitorEndpoint` (supervisors and admins): the phone a supervisor listens, whispers and barges
 * with (docs/asterisk.md); on the simulated floor any account may monitor without one.
 *
 * Hashes come from `ccs hash-password` (or `npx tsx src/auth/hash-password.ts`). With no
 * account configured, the demo accounts of `src/auth/demo-accounts.ts` are used.
 */
import { ACCOUNT_ROLES, type Account, type AccountsConfig } from '../auth/accounts.ts';
import { demoAccounts } from '../auth/demo-accounts.ts';
import { isPasswordHash } from '../auth/password-hash.ts';
import { ConfigError } from './config-error.ts';
import { readEnum, readOptionalString, readString } from './readers.ts';

const USERNAME = /^[A-Za-z0-9._@-]{1,64}$/;

export function readAccounts(file: Record<string, unknown>): AccountsConfig {
  const raw = file.accounts;
  if (raw === undefined || raw === null || (Array.isArray(raw) && raw.length === 0)) return { list: demoAccounts(), demo: true };
  if (!Array.isArray(raw)) throw new ConfigError('accounts', 'expected a list of {username, passwordHash, role}');
  const seen = new Set<string>();
  const agentCodes = new Map<string, string>();
  const list = raw.map((item: unknown, i): Account => {
    const at = `accounts[${i}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new ConfigError(at, 'expected an object');
    const a = item as Record<string, unknown>;
    const username = readString(`${at}.username`, a.username, '');
    if (!USERNAME.test(username)) throw new ConfigError(`${at}.username`, 'letters, digits and . _ @ - only, 1 to 64 characters');
    if (seen.has(username.toLowerCase())) throw new ConfigError(`${at}.username`, `${username} is listed twice`);
    seen.add(username.toLowerCase());
    const passwordHash = readString(`${at}.passwordHash`, a.passwordHash, '');
    if (!isPasswordHash(passwordHash)) throw new ConfigError(`${at}.passwordHash`, 'expected scrypt$N$r$p$salt$hash; make one with `ccs hash-password <password>`');
    const role = readEnum(`${at}.role`, a.role, ACCOUNT_ROLES, 'agent');
    const agentCode = readOptionalString(`${at}.agentCode`, a.agentCode);
    const stationId = readOptionalString(`${at}.stationId`, a.stationId) ?? (agentCode ? (/(\d+)$/.exec(agentCode)?.[1] ?? null) : null);
    if (agentCode && role !== 'agent') throw new ConfigError(`${at}.agentCode`, 'only agent accounts have an agent code');
    if (agentCode) {
      const other = agentCodes.get(agentCode);
      if (other) throw new ConfigError(`${at}.agentCode`, `${agentCode} already belongs to ${other}`);
      agentCodes.set(agentCode, username);
    }
    const monitorEndpoint = readOptionalString(`${at}.monitorEndpoint`, a.monitorEndpoint);
    if (monitorEndpoint && role === 'agent') throw new ConfigError(`${at}.monitorEndpoint`, 'only supervisor and admin accounts monitor calls');
    return { username, passwordHash, role, agentCode, stationId, ...(monitorEndpoint ? { monitorEndpoint } : {}) };
  });
  return { list, demo: false };
}
