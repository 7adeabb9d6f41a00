/**
 * A desktop agent whose browser went away stops receiving customers: while the desktop keeps
 * its live-update stream open the agent stays ready; a minute after the stream is gone, a
 * ready agent is paused ("desktop-disconnected"). Runs the real service on a virtual clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock/virtual-clock.ts';
import { startFakeCrm, type FakeCrm } from '../e2e/support/fake-crm.ts';
import { eventually, startUiService, type UiService } from '../e2e/support/ui-service.ts';

describe('desktop presence', () => {
  let crm: FakeCrm;
  let ccs: UiService;
  const clock = new VirtualClock(Date.now());

  beforeAll(async () => {
    crm = await startFakeCrm();
    ccs = await startUiService({ crmUrl: crm.url, clock });
  }, 60_000);

  afterAll(async () => {
    await ccs?.close();
    await crm?.close();
  });

  it('pauses a ready agent whose desktop has had no live-update stream for a minute', async () => {
    const login = await fetch(`${ccs.url}/ui/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: ccs.url },
      body: JSON.stringify({ username: 'agent1', password: 'agent1' }),
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const signIn = await fetch(`${ccs.url}/ui/agent/sign-in`, { method: 'POST', headers: { cookie, origin: ccs.url, 'x-csrf-token': csrfToken, 'content-type': 'application/json' }, body: '{}' });
    expect(signIn.status).toBe(200);
    const agent = () => ccs.service.engine.agents().find((a) => a.agentCode === 'Agent/1001');
    await clock.advanceBy(1000);
    expect(agent()).toMatchObject({ online: true, paused: false });

    const controller = new AbortController();
    const stream = await fetch(`${ccs.url}/ui/events`, { headers: { cookie }, signal: controller.signal });
    const reading = (async () => {
      for await (const _ of stream.body as unknown as AsyncIterable<Uint8Array>) void _;
    })().catch(() => undefined);
    await clock.advanceBy(3 * 60_000);
    expect(agent()?.paused).toBe(false);

    controller.abort();
    await reading;
    await new Promise((resolve) => setTimeout(resolve, 100));
    await clock.advanceBy(40_000);
    expect(agent()?.paused).toBe(false);
    await clock.advanceBy(50_000);
    await eventually('the agent paused', () => agent()?.paused);
    expect(agent()?.pauseReason).toBe('desktop-disconnected');
  });
});
