/**
 * The wallboard's routes. Kiosk links in the operator API (supervisors and admins): create one
 * (its token is shown once, in the answer), list them, revoke one. The wallboard's data for the
 * browser (private /ui/ API, like the rest of the UI's): `/ui/wallboard` (one snapshot) and
 * `/ui/wallboard/events` (the live stream), for a signed-in supervisor or with `?k=<token>` of
 * a live kiosk link. A kiosk token opens these two routes and nothing else; a revoked link
 * answers 410 and an unknown one 401, so the TV can say which. Tokens are never logged (the
 * request log drops query strings; redact-url hides `k`).
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formatContractDatetime } from '../domain/local-time.ts';
import { isKioskTokenShape, KIOSK_NAME_MAX, kioskTokenHash, newKioskToken, type KioskLink, type KioskLinkRecords } from '../auth/kiosk-links.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import { wallboardSnapshot, type Wallboard, type WallboardDeps } from '../web/wallboard.ts';
import { Datetime, documented } from './api-schemas.ts';
import { operatorGuard, type OperatorAuthDeps } from './operator-auth.ts';
import { openEventStream } from './event-stream.ts';

export interface WallboardRouteDeps {
  auth: OperatorAuthDeps;
  links: KioskLinkRecords;
  wallboard: Wallboard;
  snapshot: Pick<WallboardDeps, 'engine' | 'store' | 'views' | 'callbacks' | 'clock'>;
  clock: Clock;
  logger: Logger;
  timeZone: string;
  publicUrl: string;
}

/** A client that stops reading for this much buffered output is dropped (it reconnects). */
const MAX_BUFFERED_BYTES = 1024 * 1024;

const OpsError = Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String() }) });
const opsError = (description: string) => ({ ...OpsError, description });
const Nullable = <T extends ReturnType<typeof Type.String>>(s: T) => Type.Union([s, Type.Null()]);
const KioskLinkView = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  createdBy: Type.String(),
  createdAt: Datetime,
  revokedAt: Nullable(Datetime),
  revokedBy: Nullable(Type.String()),
  lastSeenAt: Nullable(Datetime),
  state: Type.Union([Type.Literal('active'), Type.Literal('revoked')]),
});
function ops<R extends Record<number, unknown>>(summary: string, parts: { params?: unknown; body?: unknown; response: R }) {
  return { summary, tags: ['Wallboard'], security: [{ operatorToken: [] }], ...parts, response: { ...parts.response, 401: opsError('Operator credentials required') } };
}

export const kioskSchemas = {
  list: ops('Kiosk links (read-only wallboard links for a TV), newest first; tokens are never shown again', {
    response: { 200: Type.Object({ links: Type.Array(KioskLinkView) }) },
  }),
  create: ops('Create a kiosk link: its token is in this answer only (only its hash is stored)', {
    body: Type.Object({ name: Type.String({ minLength: 1, maxLength: KIOSK_NAME_MAX, description: 'What the screen is, e.g. "Floor 2 TV"' }) }),
    response: {
      201: Type.Composite([KioskLinkView, Type.Object({ token: Type.String(), url: Type.String({ description: 'The wallboard address to open on the TV: /wallboard?k=<token>' }) })]),
      400: opsError('Missing or too long name'),
    },
  }),
  revoke: ops('Revoke a kiosk link: screens using it show "revoked" within 2 s', {
    params: Type.Object({ id: Type.String({ description: 'Kiosk link id' }) }),
    response: { 200: KioskLinkView, 404: opsError('No live kiosk link with this id') },
  }),
};

type Viewer = { kind: 'session' } | { kind: 'kiosk'; link: KioskLink };

export function registerWallboardRoutes(app: FastifyInstance, deps: WallboardRouteDeps): void {
  const t = (ms: number | null) => (ms === null ? null : formatContractDatetime(ms, deps.timeZone));
  const view = (l: KioskLink) => ({
    id: l.id,
    name: l.name,
    createdBy: l.createdBy,
    createdAt: t(l.createdAt)!,
    revokedAt: t(l.revokedAt),
    revokedBy: l.revokedBy,
    lastSeenAt: t(l.lastSeenAt),
    state: l.revokedAt === null ? ('active' as const) : ('revoked' as const),
  });
  const actor = (request: FastifyRequest) => deps.auth.sessionUser?.(request) ?? 'operator';
  const logger = deps.logger.child({ component: 'kiosk-links' });
  deps.wallboard.attach();
  // Open wallboard streams would hold the server open: end them first.
  app.addHook('preClose', async () => deps.wallboard.close());

  app.register(async (ops) => {
    ops.addHook('preHandler', operatorGuard(deps.auth));

    ops.get('/ops/kiosk-links', documented(kioskSchemas.list), async () => ({ links: (await deps.links.list()).map(view) }));

    ops.post('/ops/kiosk-links', documented(kioskSchemas.create), async (request, reply) => {
      const raw = (request.body as { name?: unknown } | null)?.name;
      const name = typeof raw === 'string' ? raw.trim() : '';
      if (!name || name.length > KIOSK_NAME_MAX) {
        return reply.code(400).send({ error: { code: 'bad-request', message: `name is required, at most ${KIOSK_NAME_MAX} characters` } });
      }
      const token = newKioskToken();
      const link = await deps.links.create({ name, tokenHash: kioskTokenHash(token), createdBy: actor(request), createdAt: deps.clock.now() });
      logger.info({ id: link.id, name, by: link.createdBy }, 'kiosk link created');
      return reply.code(201).send({ ...view(link), token, url: `${deps.publicUrl.replace(/\/$/, '')}/wallboard?k=${token}` });
    });

    ops.post('/ops/kiosk-links/:id/revoke', documented(kioskSchemas.revoke), async (request, reply) => {
      const id = Number((request.params as { id: string }).id);
      const by = actor(request);
      if (!Number.isSafeInteger(id) || id <= 0 || !(await deps.links.revoke(id, by, deps.clock.now()))) {
        return reply.code(404).send({ error: { code: 'not-found', message: 'No live kiosk link with this id.' } });
      }
      deps.wallboard.revoked(id);
      logger.info({ id, by }, 'kiosk link revoked');
      const link = (await deps.links.list()).find((l) => l.id === id)!;
      return view(link);
    });
  });

  /** Who may see the wallboard: a supervisor's session, or a live kiosk link; else the reply is sent. */
  const viewer = async (request: FastifyRequest, reply: FastifyReply): Promise<Viewer | null> => {
    const k = (request.query as { k?: unknown }).k;
    reply.header('Cache-Control', 'no-store');
    if (k === undefined) {
      const role = deps.auth.sessionRole?.(request) ?? null;
      if (role === 'supervisor' || role === 'admin') return { kind: 'session' };
      await reply.code(role ? 403 : 401).send({ error: { code: role ? 'forbidden' : 'unauthorized', message: role ? 'Not allowed for this role.' : 'Sign in or open a kiosk link.' } });
      return null;
    }
    const link = isKioskTokenShape(k) ? await deps.links.findByHash(kioskTokenHash(k)) : undefined;
    if (!link) {
      await reply.code(401).send({ error: { code: 'kiosk-unknown', message: 'This kiosk link is not known.' } });
      return null;
    }
    if (link.revokedAt !== null) {
      await reply.code(410).send({ error: { code: 'kiosk-revoked', message: 'This kiosk link was revoked.' } });
      return null;
    }
    return { kind: 'kiosk', link };
  };

  app.get('/ui/wallboard', async (request, reply) => {
    const who = await viewer(request, reply);
    if (!who) return reply;
    return wallboardSnapshot(deps.snapshot);
  });

  app.get('/ui/wallboard/events', async (request, reply) => {
    const who = await viewer(request, reply);
    if (!who) return reply;
    const linkId = who.kind === 'kiosk' ? who.link.id : null;
    if (linkId !== null) void deps.links.touch(linkId, deps.clock.now()).catch(() => undefined);
    const raw = openEventStream(reply);
    // A supervisor's stream lasts as long as the session (sign-out ends it within 2 s).
    const sessionLive = () => {
      const role = deps.auth.sessionRole?.(request) ?? null;
      return role === 'supervisor' || role === 'admin';
    };
    const remove = deps.wallboard.add(linkId, {
      write(text) {
        if (raw.destroyed || raw.writableEnded) return false;
        raw.write(text);
        return raw.writableLength < MAX_BUFFERED_BYTES;
      },
      close() {
        if (!raw.writableEnded) raw.end();
      },
    }, linkId === null ? sessionLive : undefined);
    request.raw.on('close', remove);
  });
}
