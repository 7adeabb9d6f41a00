/**
 * A CRM URL with `user:password@` (a common way to give the CRM's callback credentials): the
 * password never appears in what CCS prints or logs, and the callbacks carry it as HTTP Basic.
 * Runs CCS as a real process, so the start-up banner and the JSON log are the real ones.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { campaignBody } from '../support/campaigns.ts';
import { freePort, startCallbackReceiver } from '../support/callback-receiver.ts';
import { killAllCcs, startCcs, waitFor } from '../support/ccs-process.ts';

const dirs: string[] = [];
afterAll(async () => {
  await killAllCcs();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('CRM URL with credentials', () => {
  it('prints and logs the URL as user:*** and sends the credentials as Basic authorization', async () => {
    const crm = await startCallbackReceiver();
    const dataDir = mkdtempSync(join(tmpdir(), 'ccs-crm-cred-'));
    dirs.push(dataDir);
    const crmUrl = crm.url.replace('http://', 'http://crm%20user:pa%3Ass-w0rd-XYZ@');
    const ccs = await startCcs({ CCS_PORT: String(await freePort()), CCS_HOST: '127.0.0.1', CCS_DATA_DIR: dataDir, CCS_CRM_URL: crmUrl, CCS_LOG_LEVEL: 'info', CCS_SIM_AGENTS: '0' });
    await fetch(`${ccs.url}/api/sendCampaign`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(campaignBody(71, { startInMs: 3_600_000, contacts: 1 })) });
    await fetch(`${ccs.url}/api/closeCampaign/71`);
    const finish = await waitFor('finishCampaign', () => crm.received.find((r) => r.path === '/api/finishCampaign'), 20_000, ccs.output);
    expect(finish.headers.authorization).toBe(`Basic ${Buffer.from('crm user:pa:ss-w0rd-XYZ').toString('base64')}`);
    await waitFor('delivery log', () => (ccs.output().includes('callback delivery started') ? true : undefined), 10_000, ccs.output);
    const output = ccs.output();
    expect(output).not.toContain('w0rd-XYZ');
    expect(output).toContain('crm%20user:***@127.0.0.1');
    await ccs.kill9();
    await crm.close();
  }, 60_000);
});
