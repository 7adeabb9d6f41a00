/** ccs's HTTP calls: an unreachable service or an HTTP error is one line for people. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CliError } from '../../../src/cli/cli-error.ts';
import { errorMessageOf, serviceClient } from '../../../src/cli/service-client.ts';
import type { ClientConfig } from '../../../src/config/client-config.ts';

const config = (serviceUrl: string, serviceUrlFrom = 'CCS_PORT'): ClientConfig => ({ serviceUrl, serviceUrlFrom, operatorToken: 'op-token', apiKey: 'api-key', timeZone: 'Asia/Ho_Chi_Minh', crmUrl: 'http://127.0.0.1:9090' });

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('service client', () => {
  it('names the URL it tried, where it came from, and how to point ccs elsewhere when nothing listens', async () => {
    const port = await closedPort();
    const error = await serviceClient(config(`http://127.0.0.1:${port}`)).get('/ops/campaigns').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as Error).message).toBe(
      `cannot reach CCS at http://127.0.0.1:${port} (connection refused; the URL came from CCS_PORT). Start it with \`npm start\`, or point ccs at it with --url <url>, CCS_URL=<url> or CCS_PORT=<port>.`,
    );
  });

  it('gives up after its time limit with one line', async () => {
    const url = await serve(() => {
      /* never answers */
    });
    const error = await serviceClient(config(url), 200).get('/ops/agents').catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^cannot reach CCS at http:\/\/127\.0\.0\.1:\d+ \(no answer within 200 ms; the URL came from CCS_PORT\)\. /);
  });

  it('sends the operator token to /ops and the API key to /api only', async () => {
    const seen: Record<string, unknown>[] = [];
    const url = await serve((request, response) => {
      seen.push({ path: request.url, authorization: request.headers.authorization, key: request.headers['x-api-key'] });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    const client = serviceClient(config(url));
    await client.get('/ops/agents');
    await client.post('/api/sendCampaign', {});
    expect(seen).toEqual([
      { path: '/ops/agents', authorization: 'Bearer op-token', key: undefined },
      { path: '/api/sendCampaign', authorization: undefined, key: 'api-key' },
    ]);
  });

  it('turns an HTTP error into the service message on one line', async () => {
    const url = await serve((_request, response) => response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"code":"not-found","message":"No such campaign."}}'));
    const error = await serviceClient(config(url)).get('/ops/campaigns/9').catch((e: unknown) => e);
    expect((error as CliError).exitCode).toBe(1);
    expect((error as Error).message).toBe('CCS answered 404: No such campaign.');
  });
});

describe('errorMessageOf', () => {
  it('reads the contract error shape with its first field error', () => {
    const body = { campaignid: 7, status: 0, error_msg: 'Tham số đầu vào không hợp lệ.', errors: [{ field: 'endtime', code: 'invalid', message: 'endtime phải sau starttime.' }, { field: 'contact', code: 'invalid', message: 'x' }] };
    expect(errorMessageOf(400, body)).toBe('CCS answered 400: Tham số đầu vào không hợp lệ. endtime: endtime phải sau starttime. (and 1 more)');
  });

  it('tells how to give credentials on 401', () => {
    expect(errorMessageOf(401, { error: { code: 'unauthorized', message: 'Operator credentials required.' } })).toBe(
      'CCS answered 401: Operator credentials required. Give the operator token with --token or CCS_OPERATOR_TOKEN (CCS_API_KEY for /api).',
    );
  });

  it('keeps a text body to its first line', () => {
    expect(errorMessageOf(502, 'Bad Gateway\n<html>…')).toBe('CCS answered 502: Bad Gateway');
  });
});
