/**
 * The Asterisk ARI driver passes the telephony conformance suite, against the scripted
 * Asterisk (customers behave like sipp/carrier.xml by the number's last digit, agent phones
 * answer like sipp/agent.xml), in both agent modes.
 */
import { createScriptedRig } from '../support/ari-replay/scripted-rig.ts';
import { describeTelephonyConformance } from './telephony-conformance.ts';

const agent = { agentCode: 'Agent/9001', stationId: '9001', endpoint: 'PJSIP/9001' };
const second = { agentCode: 'Agent/9002', stationId: '9002', endpoint: 'PJSIP/9002' };
const transferNumbers = { answers: '0912345670', busy: '0912345671' };
const numbers = { answered: '0987654320', busy: '0987654321', noAnswer: '0987654322', congestion: '0987654323' };

for (const agentMode of ['on-answer', 'nailed-up'] as const) {
  describeTelephonyConformance(`asterisk ARI, ${agentMode} agents (scripted Asterisk)`, async () => {
    // Nailed-up: the configured agent is signed in (called and parked) when ARI comes up.
    const rig = await createScriptedRig({ agentMode, agents: agentMode === 'nailed-up' ? [agent, second] : [] }, {}, { start: false });
    return { driver: rig.driver, agents: [agent, second], numbers, transferNumbers, advance: rig.advance, teardown: rig.teardown };
  });
}
