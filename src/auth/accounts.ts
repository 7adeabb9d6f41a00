/**
 * Operator and agent accounts. Roles: `agent` (the agent desktop, own calls only),
 * `supervisor` (the dashboard and the operator API), `admin` (everything a supervisor may,
 * plus admin-only operator actions). An agent account may be tied to one agent code and a
 * default station; an account without an agent code picks one at desktop sign-in.
 */
import { hashPassword, verifyPassword } from './password-hash.ts';

export type AccountRole = 'agent' | 'supervisor' | 'admin';

export const ACCOUNT_ROLES: readonly AccountRole[] = ['agent', 'supervisor', 'admin'];

export interface Account {
  username: string;
  passwordHash: string;
  role: AccountRole;
  agentCode: string | null;
  stationId: string | null;
  /** A supervisor's phone for listening to, whispering to and barging into calls (e.g. `PJSIP/sup1`). */
  monitorEndpoint?: string | null;
}

export interface AccountsConfig {
  list: readonly Account[];
  /** True when no account was configured and the documented demo accounts are in use. */
  demo: boolean;
}

export interface AccountDirectory {
  /** The account when the password matches; null otherwise (same work whether or not the user exists). */
  authenticate(username: string, password: string): Promise<Account | null>;
  find(username: string): Account | undefined;
}

export function createAccountDirectory(accounts: readonly Account[]): AccountDirectory {
  const byName = new Map(accounts.map((a) => [a.username.toLowerCase(), a]));
  // Verified against when the user does not exist, so timing does not tell which names exist.
  const decoy = hashPassword('not-a-password-anyone-has');
  return {
    async authenticate(username, password) {
      const account = byName.get(username.trim().toLowerCase());
      const ok = await verifyPassword(password, account?.passwordHash ?? (await decoy));
      return ok && account ? account : null;
    },
    find: (username) => byName.get(username.trim().toLowerCase()),
  };
}
