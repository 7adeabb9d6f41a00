/**
 * The Asterisk ARI driver passes the telephony conformance suite, against the scripted
 * Asterisk (customers behave like sipp/carrier.xml by the number's last digit, agent phones
 * answer like sipp/agent.xml), in both agent modes.
 */
import { createScriptedRig } from '../support/ari-replay/scripted-rig.ts';
import { describeTelephonyConformance } from './telephony-conformance.ts';

const agent = { agentCode: 'Agent/9001', stationId: '9001', endpoint: 'PJSIP/9001' };
const numbers = { answered: '0987654320', busy: '0987654321', noAnswer: '0987654322', congestion: '0987654323' };

for (const agentMode of ['on-answer', 'nailed-up'] as const) {
  describeTelephonyConformance(`asterisk ARI, ${agentMode} agents (scripted Asterisk)`, async () => {
    // Nailed-up: the configured agent is signed in (called and parked) when ARI comes up.
    const rig = await createScriptedRig({ agentMode, agents: agentMode === 'nailed-up' ? [agent] : [] }, {}, { start: false });
    return { driver: rig.driver, agents: [agent], numbers, advance: rig.advance, teardown: rig.teardown };
  });
}
