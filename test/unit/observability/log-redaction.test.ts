/** Secrets carried in URLs never reach the log: recording signatures and URL passwords. */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/observability/logger.ts';
import { redactUrl } from '../../../src/observability/redact-url.ts';

describe('URL redaction', () => {
  it('hides the signature of a recording link and keeps the rest readable', () => {
    expect(redactUrl('/recordings/2026/01/02/ccs-1-2-1.wav?exp=1800000000&sig=abcDEF_123-x')).toBe('/recordings/2026/01/02/ccs-1-2-1.wav?exp=1800000000&sig=***');
    expect(redactUrl('https://ccs.example.com/recordings/a.wav?sig=abc&exp=1')).toBe('https://ccs.example.com/recordings/a.wav?sig=***&exp=1');
  });

  it('shows user:*** instead of a password, and leaves URLs without secrets alone', () => {
    expect(redactUrl('https://crm:s3cret@crm.example.com/api/updateCampaign')).toBe('https://crm:***@crm.example.com/api/updateCampaign');
    expect(redactUrl('http://token@crm.example.com/')).toBe('http://token@crm.example.com/');
    expect(redactUrl('http://crm.example.com/a@b')).toBe('http://crm.example.com/a@b');
    expect(redactUrl('/ops/campaigns?state=running')).toBe('/ops/campaigns?state=running');
  });

  it('applies to every url and CRM URL field the service logs, in child loggers too', () => {
    let out = '';
    const sink = new Writable({
      write(chunk, _encoding, done) {
        out += String(chunk);
        done();
      },
    });
    const logger = createLogger('info', sink);
    logger.error({ url: '/recordings/x.wav?exp=1&sig=TOPSECRETSIG' }, 'request failed');
    logger.child({ component: 'outbox' }).info({ updateUrl: 'http://u:hunter2@crm/api/updateCampaign', finishUrl: 'http://u:hunter2@crm/api/finishCampaign' }, 'callback delivery started');
    logger.child({ component: 'outbox' }).warn({ url: 'http://u:hunter2@crm/api/updateCampaign', reason: 'HTTP 503' }, 'failing');
    expect(out).not.toContain('TOPSECRETSIG');
    expect(out).not.toContain('hunter2');
    expect(out).toContain('sig=***');
    expect(out).toContain('u:***@crm');
  });
});
