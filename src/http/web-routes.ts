/**
 * Serves the browser UI built by `npm run build:web` (Vite, into dist/web): the pages
 * (/login, /agent, /supervisor…, all the same single-page app) and its hashed assets.
 * Pages are gated on the server too: without a session they redirect to /login, and with
 * the wrong role they answer 403 (the page then says so). When the bundle is missing, pages
 * answer 503 with the command that builds it.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AccountRole } from '../auth/accounts.ts';
import type { SessionAuth } from './session-auth.ts';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Our pages frame the CRM's contact pages and play recordings from the recording links; nobody
 * frames ours. `connect` adds where else the page may connect (the browser phone's SIP WebSocket).
 */
const pageCsp = (connect: readonly string[]) => [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "media-src 'self' http: https:",
  'frame-src http: https:',
  ["connect-src 'self'", ...connect].join(' '),
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ');

const NOT_BUILT = `<!doctype html><html lang="vi"><meta charset="utf-8"><title>CCS</title>
<body style="font-family:sans-serif;max-width:40rem;margin:4rem auto;line-height:1.5">
<h1>Giao diện web chưa được build / The web UI is not built</h1>
<p>Chạy lệnh sau trong thư mục CCS rồi tải lại trang:<br>Run this in the CCS directory, then reload:</p>
<pre style="background:#eee;padding:1rem">npm run build:web</pre>
<p>API: <a href="/docs">/docs</a></p></body></html>`;

const PAGE_ROLES: { prefix: string; roles: readonly AccountRole[] }[] = [
  { prefix: '/agent', roles: ['agent'] },
  { prefix: '/supervisor', roles: ['supervisor', 'admin'] },
];

export function homeOf(role: AccountRole): string {
  return role === 'agent' ? '/agent' : '/supervisor';
}

export function registerWebRoutes(app: FastifyInstance, deps: { auth: SessionAuth; distDir: string; connectSources?: readonly string[] }): void {
  const root = resolve(deps.distDir);
  const PAGE_CSP = pageCsp(deps.connectSources ?? []);

  const securityHeaders = (reply: FastifyReply) =>
    reply
      .header('Content-Security-Policy', PAGE_CSP)
      .header('X-Frame-Options', 'DENY')
      .header('X-Content-Type-Options', 'nosniff')
      .header('Referrer-Policy', 'same-origin');

  const sendPage = async (reply: FastifyReply, status = 200) => {
    securityHeaders(reply).header('Cache-Control', 'no-store');
    let html: string;
    try {
      html = await readFile(join(root, 'index.html'), 'utf8');
    } catch {
      return reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT);
    }
    return reply.code(status).type('text/html; charset=utf-8').send(html);
  };

  const sendFile = async (reply: FastifyReply, relative: string, cache: string) => {
    const path = resolve(root, relative);
    if (!path.startsWith(root + sep)) return reply.code(404).send({ error: { code: 'not-found', message: 'No such file.' } });
    const info = await stat(path).catch(() => null);
    if (!info?.isFile()) return reply.code(404).send({ error: { code: 'not-found', message: 'No such file.' } });
    reply
      .header('Content-Type', CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream')
      .header('Content-Length', info.size)
      .header('Cache-Control', cache)
      .header('X-Content-Type-Options', 'nosniff');
    return reply.send(createReadStream(path));
  };

  const gatedPage = (roles: readonly AccountRole[]) => async (request: FastifyRequest, reply: FastifyReply) => {
    const session = deps.auth.sessionOf(request);
    if (!session) return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 302);
    return sendPage(reply, roles.includes(session.role) ? 200 : 403);
  };

  app.get('/', async (request, reply) => {
    const session = deps.auth.sessionOf(request);
    return reply.redirect(session ? homeOf(session.role) : '/login', 302);
  });
  app.get('/login', async (_request, reply) => sendPage(reply));
  for (const { prefix, roles } of PAGE_ROLES) {
    app.get(prefix, gatedPage(roles));
    app.get(`${prefix}/*`, gatedPage(roles));
  }
  // The wallboard: a supervisor's session, or a kiosk link (`?k=`, checked by the page's data requests).
  app.get('/wallboard', async (request, reply) => {
    if ((request.query as { k?: unknown }).k !== undefined) return sendPage(reply);
    return gatedPage(['supervisor', 'admin'])(request, reply);
  });
  app.get('/assets/*', async (request, reply) => sendFile(reply, join('assets', (request.params as { '*': string })['*']), 'public, max-age=31536000, immutable'));
  app.get('/favicon.svg', async (_request, reply) => sendFile(reply, 'favicon.svg', 'public, max-age=86400'));
}
