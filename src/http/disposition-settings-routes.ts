/**
 * Disposition codes per profile for supervisors (/ops/profiles/{name}/dispositions): list,
 * read, set (over the config file's codes), back to the config file, audit. Behind the operator
 * guard like close, so the web UI's session (with its CSRF check on unsafe requests), the
 * operator token and the local command line may use them. A change is stored with its audit
 * row (who, when, before → after) in one transaction and then used by new wrap-ups at once.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parseDispositionSettings } from '../domain/disposition-settings-input.ts';
import { formatContractDatetime } from '../domain/local-time.ts';
import type { Profile } from '../domain/profile.ts';
import { dispositionsOf, type DispositionSettings } from '../domain/wrap-up-codes.ts';
import type { Clock } from '../ports/clock.ts';
import type { DispositionSettingsStore, StoredDispositionSettings } from '../ports/disposition-settings-store.ts';
import { dispositionSettingsSchemas, documented } from './api-schemas.ts';
import { operatorGuard, type OperatorAuthDeps } from './operator-auth.ts';
import { operatorActor } from './recording-ops-routes.ts';

export interface DispositionSettingsRouteDeps {
  auth: OperatorAuthDeps;
  repository: DispositionSettingsStore;
  profiles: { list: readonly Profile[]; fallback: Profile };
  /** The engine's codes in force (wrap-up-dispositions.ts). */
  engine: { setOverride(profileName: string, settings: DispositionSettings | null): void };
  clock: Clock;
  timeZone: string;
  /** The stored settings loaded at start. */
  stored: StoredDispositionSettings[];
}

const error = (code: string, message: string) => ({ error: { code, message } });

export function registerDispositionSettingsRoutes(app: FastifyInstance, deps: DispositionSettingsRouteDeps): void {
  const { repository, clock } = deps;
  const guard = operatorGuard(deps.auth);
  const t = (ms: number) => formatContractDatetime(ms, deps.timeZone);
  const stored = new Map(deps.stored.map((s) => [s.profile, s]));
  const all = () => [deps.profiles.fallback, ...deps.profiles.list];
  const profileNamed = (params: unknown) => all().find((p) => p.name === (params as { name: string }).name);
  const view = (p: Profile) => {
    const s = stored.get(p.name);
    return {
      profile: p.name,
      typeIds: [...p.typeIds],
      source: s ? ('stored' as const) : ('config' as const),
      updatedAt: s ? t(s.updatedAt) : null,
      updatedBy: s?.updatedBy ?? null,
      settings: s?.settings ?? dispositionsOf(p),
    };
  };
  // Changes to one profile are made one at a time, so each audit's "before" is the state it replaced.
  let writing: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = writing.then(work, work);
    writing = next.catch(() => undefined);
    return next;
  };
  const change = (p: Profile, settings: DispositionSettings | null, request: FastifyRequest) =>
    serial(async () => {
      const at = clock.now();
      const before = stored.get(p.name)?.settings ?? null;
      const actor = operatorActor(deps.auth, request).actor;
      await repository.save({ profile: p.name, settings, before, actor, at });
      if (settings) stored.set(p.name, { profile: p.name, settings, updatedAt: at, updatedBy: actor });
      else stored.delete(p.name);
      deps.engine.setOverride(p.name, settings);
      request.log.info({ profile: p.name, actor, codes: settings?.codes.map((c) => c.code) ?? 'config' }, 'disposition codes changed');
      return view(p);
    });

  app.register(async (ops) => {
    ops.addHook('preHandler', guard);

    ops.get('/ops/profiles/dispositions', documented(dispositionSettingsSchemas.list), async () => ({ profiles: all().map(view) }));

    ops.get('/ops/profiles/:name/dispositions', documented(dispositionSettingsSchemas.get), async (request, reply) => {
      const p = profileNamed(request.params);
      return p ? view(p) : reply.code(404).send(error('not-found', 'No such profile.'));
    });

    ops.put('/ops/profiles/:name/dispositions', documented(dispositionSettingsSchemas.put), async (request, reply) => {
      const p = profileNamed(request.params);
      if (!p) return reply.code(404).send(error('not-found', 'No such profile.'));
      const input = parseDispositionSettings(request.body);
      if (!input.ok) return reply.code(400).send(error('bad-request', input.message));
      return change(p, input.settings, request);
    });

    ops.delete('/ops/profiles/:name/dispositions', documented(dispositionSettingsSchemas.remove), async (request, reply) => {
      const p = profileNamed(request.params);
      if (!p) return reply.code(404).send(error('not-found', 'No such profile.'));
      if (!stored.has(p.name)) return view(p);
      return change(p, null, request);
    });

    ops.get('/ops/profiles/:name/dispositions/audit', documented(dispositionSettingsSchemas.audit), async (request, reply) => {
      const p = profileNamed(request.params);
      if (!p) return reply.code(404).send(error('not-found', 'No such profile.'));
      const audit = await repository.audit(p.name, 100);
      return { audit: audit.map((a) => ({ id: a.id, at: t(a.at), actor: a.actor, before: a.before, after: a.after })) };
    });
  });
}
