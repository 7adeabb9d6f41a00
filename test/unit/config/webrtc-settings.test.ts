/** The browser phone's ICE settings: relay-only ICE is an operator's choice, refused when it could never carry media. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.ts';

// An empty folder as working directory, so no ccs.config.json is picked up unless a test writes one.
const cwd = mkdtempSync(join(tmpdir(), 'ccs-config-'));
const load = (env: Record<string, string>) => loadConfig({ CCS_DATA_DIR: join(cwd, 'data'), ...env }, cwd);
const TURN = 'turn:ccs:secret@turn.example.com:3478';

describe('the browser phone’s ICE transport policy', () => {
  it('lets ICE use every path by default, and relay only when asked, with a TURN server', () => {
    expect(load({}).webrtc.iceTransportPolicy).toBe('all');
    expect(load({ CCS_WEBRTC_ICE_TRANSPORT_POLICY: 'all' }).webrtc.iceTransportPolicy).toBe('all');
    expect(load({ CCS_WEBRTC_ICE_TRANSPORT_POLICY: 'relay', CCS_WEBRTC_ICE_SERVERS: TURN }).webrtc.iceTransportPolicy).toBe('relay');
    expect(load({ CCS_WEBRTC_ICE_TRANSPORT_POLICY: 'relay', CCS_WEBRTC_ICE_SERVERS: `stun:stun.example.com,turns:a:b@turn.example.com:5349` }).webrtc.iceTransportPolicy).toBe('relay');
  });

  it('refuses an unknown policy by name', () => {
    expect(() => load({ CCS_WEBRTC_ICE_TRANSPORT_POLICY: 'turn-only' })).toThrow(/CCS_WEBRTC_ICE_TRANSPORT_POLICY.*all, relay/);
  });

  it('refuses relay-only ICE without a turn: or turns: server, since no call could get media', () => {
    expect(() => load({ CCS_WEBRTC_ICE_TRANSPORT_POLICY: 'relay' })).toThrow(/CCS_WEBRTC_ICE_TRANSPORT_POLICY.*no turn: or turns: server/);
    expect(() => load({ CCS_WEBRTC_ICE_TRANSPORT_POLICY: 'relay', CCS_WEBRTC_ICE_SERVERS: 'stun:stun.example.com:3478' })).toThrow(/CCS_WEBRTC_ICE_TRANSPORT_POLICY/);
  });

  it('reads webrtc.iceTransportPolicy from the config file, the environment winning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ccs-config-'));
    writeFileSync(join(dir, 'ccs.config.json'), JSON.stringify({ webrtc: { iceServers: [TURN], iceTransportPolicy: 'relay' } }));
    const fromFile = (env: Record<string, string> = {}) => loadConfig({ CCS_DATA_DIR: join(dir, 'data'), ...env }, dir).webrtc;
    expect(fromFile()).toMatchObject({ iceServers: [TURN], iceTransportPolicy: 'relay' });
    expect(fromFile({ CCS_WEBRTC_ICE_TRANSPORT_POLICY: 'all' }).iceTransportPolicy).toBe('all');
    writeFileSync(join(dir, 'ccs.config.json'), JSON.stringify({ webrtc: { iceTransportPolicy: 'relay' } }));
    expect(() => fromFile()).toThrow(/CCS_WEBRTC_ICE_TRANSPORT_POLICY/);
  });
});
