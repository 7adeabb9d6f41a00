/**
 * Browser phones' passwords in Asterisk, through ARI's dynamic configuration: a desk's
 * provisioning creates (or replaces) the PJSIP auth object named after the phone's endpoint,
 *
 *   PUT /ari/asterisk/config/dynamic/res_pjsip/auth/<endpoint>
 *       {"fields":[{"attribute":"auth_type","value":"userpass"},
 *                  {"attribute":"username","value":"<endpoint>"},
 *                  {"attribute":"password","value":"<random>"}]}
 *
 * and the agent's sign-out deletes it (`DELETE …/auth/<endpoint>`; an absent one is no error),
 * so the endpoint's next REGISTER is refused. Whether a phone is registered is the endpoint's
 * state (`GET /ari/endpoints/PJSIP/<endpoint>`, `online`): a supervisor's monitoring leg is
 * dialled only to a registered phone. The endpoint and its AOR are static (the template
 * in deploy/asterisk/pjsip.conf); sorcery.conf must let res_pjsip keep auth objects in memory
 * (docs/asterisk.md, "The phone in the browser").
 */
import type { Clock } from '../../ports/clock.ts';
import type { PhoneAuthStore } from '../../web/agent-phone.ts';
import { AriHttp, isAriError } from './ari-http.ts';

const OBJECT_ID = /^[A-Za-z0-9_.-]{1,80}$/;

export function createAriPhoneAuth(options: { url: string; user: string; password: string; timeoutMs?: number }, deps: { clock: Clock }): PhoneAuthStore & { close(): Promise<void> } {
  const http = new AriHttp({ url: options.url, user: options.user, password: options.password, timeoutMs: options.timeoutMs ?? 5000, clock: deps.clock });
  const path = (id: string) => {
    if (!OBJECT_ID.test(id)) throw new Error(`not a plain PJSIP object id: ${JSON.stringify(id)}`);
    return `/asterisk/config/dynamic/res_pjsip/auth/${encodeURIComponent(id)}`;
  };
  return {
    async put(id, username, password) {
      await http.put(path(id), {
        fields: [
          { attribute: 'auth_type', value: 'userpass' },
          { attribute: 'username', value: username },
          { attribute: 'password', value: password },
        ],
      });
    },
    async remove(id) {
      try {
        await http.delete(path(id));
      } catch (error) {
        if (!isAriError(error, 'not-found')) throw error;
      }
    },
    async online(id) {
      if (!OBJECT_ID.test(id)) return false;
      try {
        const endpoint = await http.get<{ state?: string }>(`/endpoints/PJSIP/${encodeURIComponent(id)}`);
        return endpoint.state === 'online';
      } catch (error) {
        if (isAriError(error, 'not-found')) return false;
        throw error;
      }
    },
    close: () => http.close(),
  };
}
