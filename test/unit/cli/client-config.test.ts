/** How ccs finds the service: --url, then CCS_URL, then CCS_PORT or the config file's port. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadClientConfig } from '../../../src/config/client-config.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ccs-client-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const withFile = (content: object) => writeFileSync(join(dir, 'ccs.config.json'), JSON.stringify(content));

describe('loadClientConfig', () => {
  it('uses http://127.0.0.1:8080 when nothing is set', () => {
    expect(loadClientConfig({}, {}, dir)).toMatchObject({ serviceUrl: 'http://127.0.0.1:8080', serviceUrlFrom: 'the default port', timeZone: 'Asia/Ho_Chi_Minh', operatorToken: null });
  });

  it('takes the port of the config file, then CCS_PORT over it, then CCS_URL, then --url', () => {
    withFile({ port: 9100 });
    expect(loadClientConfig({}, {}, dir)).toMatchObject({ serviceUrl: 'http://127.0.0.1:9100', serviceUrlFrom: `"port" in ${join(dir, 'ccs.config.json')}` });
    expect(loadClientConfig({}, { CCS_PORT: '9200' }, dir)).toMatchObject({ serviceUrl: 'http://127.0.0.1:9200', serviceUrlFrom: 'CCS_PORT' });
    expect(loadClientConfig({}, { CCS_PORT: '9200', CCS_URL: 'http://ccs.internal:8443/' }, dir)).toMatchObject({ serviceUrl: 'http://ccs.internal:8443', serviceUrlFrom: 'CCS_URL' });
    expect(loadClientConfig({ url: 'http://10.0.0.5:8080' }, { CCS_PORT: '9200', CCS_URL: 'http://ccs.internal:8443' }, dir)).toMatchObject({ serviceUrl: 'http://10.0.0.5:8080', serviceUrlFrom: '--url' });
  });

  it('finds the config file named by CCS_CONFIG', () => {
    writeFileSync(join(dir, 'other.json'), JSON.stringify({ port: 9300, timeZone: 'Europe/Paris', operatorToken: 't0k' }));
    expect(loadClientConfig({}, { CCS_CONFIG: 'other.json' }, dir)).toMatchObject({ serviceUrl: 'http://127.0.0.1:9300', timeZone: 'Europe/Paris', operatorToken: 't0k' });
  });

  it('connects to the bind address when the service listens on one address only', () => {
    withFile({ host: '10.1.2.3', port: 9000 });
    expect(loadClientConfig({}, {}, dir).serviceUrl).toBe('http://10.1.2.3:9000');
    expect(loadClientConfig({}, { CCS_HOST: '::1' }, dir).serviceUrl).toBe('http://[::1]:9000');
    expect(loadClientConfig({}, { CCS_HOST: '0.0.0.0' }, dir).serviceUrl).toBe('http://127.0.0.1:9000');
  });

  it('names the setting when a value is wrong', () => {
    expect(() => loadClientConfig({}, { CCS_PORT: 'eighty' }, dir)).toThrow('invalid configuration: CCS_PORT: expected an integer, got "eighty"');
    expect(() => loadClientConfig({}, { CCS_URL: 'ccs.internal' }, dir)).toThrow('invalid configuration: CCS_URL: not a valid URL');
    expect(() => loadClientConfig({}, { CCS_TIMEZONE: 'Mars/Olympus' }, dir)).toThrow('invalid configuration: CCS_TIMEZONE: unknown time zone');
  });

  it('ignores problems in settings it does not read', () => {
    withFile({ port: 9100, profiles: 'not a list', simulator: { answerRate: 7 } });
    expect(loadClientConfig({}, { CCS_SIM_AGENTS: 'many' }, dir).serviceUrl).toBe('http://127.0.0.1:9100');
  });
});
