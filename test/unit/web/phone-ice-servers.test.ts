import { describe, expect, it } from 'vitest';
import { retryDelayMs } from '../../../web/src/agent/phone/phone-adapter.ts';
import { iceServer } from '../../../web/src/agent/phone/sip-adapter.ts';

describe('the SIP phone’s settings', () => {
  it('hands a TURN server’s credentials to the browser apart from its address, and a STUN server as is', () => {
    expect(iceServer('turn:ccs:s%40cret@turn.example.com:3478')).toEqual({ urls: 'turn:turn.example.com:3478', username: 'ccs', credential: 's@cret' });
    expect(iceServer('turns:agent:pw@turn.example.com:5349?transport=tcp')).toEqual({ urls: 'turns:turn.example.com:5349?transport=tcp', username: 'agent', credential: 'pw' });
    expect(iceServer('stun:stun.example.com:3478')).toEqual({ urls: 'stun:stun.example.com:3478' });
  });

  it('retries a lost registration after 1 s, doubling to at most 8 s', () => {
    expect([0, 1, 2, 3, 4, 10].map(retryDelayMs)).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
  });
});
