/** The security settings are read strictly: a bad value stops start-up with the setting's name. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.ts';

// An empty folder as working directory, so no ccs.config.json is picked up.
const cwd = mkdtempSync(join(tmpdir(), 'ccs-config-'));
const load = (env: Record<string, string>) => loadConfig({ CCS_DATA_DIR: join(cwd, 'data'), ...env }, cwd);

describe('security settings', () => {
  it('trusts local command-line clients by default and not with CCS_OPERATOR_LOCAL=false', () => {
    expect(load({}).operatorLocal).toBe(true);
    expect(load({ CCS_OPERATOR_LOCAL: 'false' }).operatorLocal).toBe(false);
    expect(() => load({ CCS_OPERATOR_LOCAL: 'maybe' })).toThrow(/CCS_OPERATOR_LOCAL/);
  });

  it('reads the framing check hosts as lower-case names or *. suffixes, and refuses URLs', () => {
    expect(load({}).frameProbeHosts).toEqual([]);
    expect(load({ CCS_FRAME_PROBE_HOSTS: 'CRM.lan, *.example.com,127.0.0.1' }).frameProbeHosts).toEqual(['crm.lan', '*.example.com', '127.0.0.1']);
    expect(() => load({ CCS_FRAME_PROBE_HOSTS: 'https://crm.lan' })).toThrow(/CCS_FRAME_PROBE_HOSTS/);
    expect(() => load({ CCS_FRAME_PROBE_HOSTS: 'crm.lan:8443' })).toThrow(/CCS_FRAME_PROBE_HOSTS/);
    expect(() => load({ CCS_FRAME_PROBE_HOSTS: 'none,crm.lan' })).toThrow(/CCS_FRAME_PROBE_HOSTS/);
  });

  it('never repeats the password of a CRM URL it refuses', () => {
    expect(() => load({ CCS_CRM_URL: 'ftp://crm:s3cret@crm.lan' })).toThrow(/crm:\*\*\*@crm\.lan/);
    try {
      load({ CCS_CRM_URL: 'ftp://crm:s3cret@crm.lan' });
    } catch (error) {
      expect(String(error)).not.toContain('s3cret');
    }
  });
});
