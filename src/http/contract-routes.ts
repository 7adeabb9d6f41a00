/** The CRM-facing contract: POST /api/sendCampaign and GET /api/closeCampaign/<id> (spec section 1). */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ContractOutcome } from '../application/contract-outcome.ts';
import { documented, contractSchemas } from './api-schemas.ts';
import { requestProblems, sendOutcome } from './contract-reply.ts';
import { createIpAllowList } from './ip-allow-list.ts';

export interface ContractRouteDeps {
  receive(body: unknown): Promise<ContractOutcome>;
  close(rawId: string): Promise<ContractOutcome>;
  apiKey: string | null;
  allowIps: readonly string[];
}

export const CONTRACT_PATHS = { send: '/api/sendCampaign', close: '/api/closeCampaign/' } as const;

function isJson(request: FastifyRequest): boolean {
  const type = String(request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  return type === 'application/json';
}

export function registerContractRoutes(app: FastifyInstance, deps: ContractRouteDeps): void {
  const allowed = createIpAllowList(deps.allowIps);
  // Off by default so an unmodified CRM works; enabled by CCS_API_KEY / CCS_API_ALLOW_IPS.
  const guard = async (request: FastifyRequest, reply: FastifyReply) => {
    if (allowed && !allowed(request.ip)) return reply.code(403).send(requestProblems.forbiddenAddress(request.ip));
    if (deps.apiKey !== null && request.headers['x-api-key'] !== deps.apiKey) return reply.code(401).send(requestProblems.unauthorized());
  };

  app.post(CONTRACT_PATHS.send, { preHandler: guard, config: { contract: true }, ...documented(contractSchemas.send) }, async (request, reply) => {
    if (!isJson(request)) return reply.code(400).send(requestProblems.badContentType('Content-Type phải là application/json.'));
    return sendOutcome(reply, await deps.receive(request.body));
  });

  // No automatic HEAD: closing is not safe, and a link checker or preview bot sending HEAD must not end a campaign.
  app.get(`${CONTRACT_PATHS.close}:id`, { preHandler: guard, exposeHeadRoute: false, config: { contract: true }, ...documented(contractSchemas.close) }, async (request, reply) => {
    return sendOutcome(reply, await deps.close((request.params as { id: string }).id));
  });
}

/** Which contract endpoint a path names, whatever the method, so a wrong method gets the contract's error shape. */
export function contractEndpointOf(path: string): { expected: 'POST' | 'GET' } | null {
  if (path === CONTRACT_PATHS.send) return { expected: 'POST' };
  if (path.startsWith(CONTRACT_PATHS.close) || path === '/api/closeCampaign') return { expected: 'GET' };
  return null;
}
