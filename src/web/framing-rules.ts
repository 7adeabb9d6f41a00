/**
 * Whether a browser will show a page inside a frame of another site, judged from that page's
 * response headers: CSP `frame-ancestors` (which wins when present) and `X-Frame-Options`.
 * Pure; the desktop uses it to embed the contact's CRM page or open it in a new tab instead.
 */

export type Framing = 'allowed' | 'denied';

interface Origin {
  scheme: string;
  host: string;
  port: string;
}

function parseOrigin(url: string): Origin | null {
  try {
    const u = new URL(url);
    const port = u.port || (u.protocol === 'https:' ? '443' : u.protocol === 'http:' ? '80' : '');
    return { scheme: u.protocol.replace(':', ''), host: u.hostname.toLowerCase(), port };
  } catch {
    return null;
  }
}

const sameOrigin = (a: Origin, b: Origin) => a.scheme === b.scheme && a.host === b.host && a.port === b.port;

/** One CSP source expression against the embedding page's origin (CSP3 host-source matching, simplified). */
function sourceMatches(source: string, embedder: Origin, framed: Origin): boolean {
  const s = source.toLowerCase();
  if (s === '*') return embedder.scheme === 'http' || embedder.scheme === 'https';
  if (s === "'self'") return sameOrigin(embedder, framed);
  if (s.startsWith("'")) return false;
  const schemeOnly = /^([a-z][a-z0-9+.-]*):$/.exec(s);
  if (schemeOnly) return embedder.scheme === schemeOnly[1] || (schemeOnly[1] === 'http' && embedder.scheme === 'https');
  const m = /^(?:([a-z][a-z0-9+.-]*):\/\/)?(\*\.)?([^:/]+|\*)(?::(\d+|\*))?(?:\/.*)?$/.exec(s);
  if (!m) return false;
  const [, scheme, wildcard, host, port] = m;
  if (scheme && scheme !== embedder.scheme && !(scheme === 'http' && embedder.scheme === 'https')) return false;
  if (!scheme && embedder.scheme !== framed.scheme && !(framed.scheme === 'http' && embedder.scheme === 'https')) return false;
  if (host === '*') {
    /* any host */
  } else if (wildcard) {
    if (!embedder.host.endsWith(`.${host}`)) return false;
  } else if (embedder.host !== host) return false;
  if (port === '*') return true;
  const defaultPort = embedder.scheme === 'https' ? '443' : '80';
  return (port ?? (scheme === 'http' && embedder.scheme === 'https' ? '443' : defaultPort)) === embedder.port;
}

/** The `frame-ancestors` source list of each CSP header that has one. */
function frameAncestorLists(csp: readonly string[]): string[][] {
  const lists: string[][] = [];
  for (const header of csp) {
    for (const policy of header.split(',')) {
      for (const directive of policy.split(';')) {
        const [name, ...sources] = directive.trim().split(/\s+/);
        if (name?.toLowerCase() === 'frame-ancestors') lists.push(sources.filter(Boolean));
      }
    }
  }
  return lists;
}

export function framingVerdict(input: { framedUrl: string; embedderOrigin: string; xFrameOptions: readonly string[]; contentSecurityPolicy: readonly string[] }): Framing {
  const framed = parseOrigin(input.framedUrl);
  const embedder = parseOrigin(input.embedderOrigin);
  if (!framed || !embedder) return 'denied';
  const ancestors = frameAncestorLists(input.contentSecurityPolicy);
  if (ancestors.length > 0) {
    // Every policy must allow it; 'none' (an empty list) allows nothing.
    return ancestors.every((list) => list.some((source) => source.toLowerCase() !== "'none'" && sourceMatches(source, embedder, framed))) ? 'allowed' : 'denied';
  }
  const xfo = input.xFrameOptions.flatMap((h) => h.split(',')).map((v) => v.trim().toLowerCase()).filter(Boolean);
  if (xfo.includes('deny')) return 'denied';
  if (xfo.includes('sameorigin')) return sameOrigin(embedder, framed) ? 'allowed' : 'denied';
  // Browsers ignore ALLOW-FROM and unknown values.
  return 'allowed';
}
