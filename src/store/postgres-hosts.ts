/**
 * Several PostgreSQL servers in one `CCS_DATABASE_URL`, written as libpq writes them
 * (`postgres://user@db1:5432,db2:5432/ccs?target_session_attrs=read-write`): a primary and its
 * standbys. node-postgres connects to one host only, so here every new connection first asks
 * the hosts in turn, starting with the one that took writes last time, and goes to the first
 * whose session is not read-only (`SHOW transaction_read_only`: libpq's
 * `target_session_attrs=read-write`, which is what CCS needs whatever the URL says). When no
 * host takes writes (the primary is gone, the standby not promoted yet) the connection fails
 * as refused, so CCS answers 503 and tries again; once a standby is promoted, the next
 * connection finds it. Connections in use stay where they are until they fail.
 *
 * A URL with one host is passed to node-postgres unchanged.
 */
import pg from 'pg';

interface Host {
  host: string;
  port: number;
}

interface ParsedUrl {
  hosts: Host[];
  /** The URL with `host` in place of the list. */
  urlFor(host: Host): string;
}

/** The host list of a `postgres://` URL, or null when it names one host (or cannot be read as a list). */
export function parseHostList(url: string): ParsedUrl | null {
  const m = /^(postgres(?:ql)?:\/\/)([^/?#]*)(.*)$/i.exec(url);
  if (!m) return null;
  const [, scheme, authority, rest] = m as unknown as [string, string, string, string];
  const at = authority.lastIndexOf('@');
  const userInfo = at >= 0 ? authority.slice(0, at + 1) : '';
  const list = authority.slice(at + 1).split(',');
  if (list.length < 2) return null;
  const hosts = list.map((entry) => {
    const hm = /^(\[[^\]]+\]|[^:]*)(?::(\d+))?$/.exec(entry);
    if (!hm || !hm[1]) throw new Error(`CCS_DATABASE_URL: cannot read host "${entry}" of the host list`);
    return { host: hm[1].replace(/^\[(.*)\]$/, '$1'), port: hm[2] ? Number(hm[2]) : 5432 };
  });
  const print = (h: Host) => (h.host.includes(':') ? `[${h.host}]:${h.port}` : `${h.host}:${h.port}`);
  return { hosts, urlFor: (h) => `${scheme}${userInfo}${print(h)}${rest}` };
}

/**
 * What a `pg.Pool` or `pg.Client` is given for `url`: the connection string alone for one
 * host; for several, a Client class that connects to the writable one (see above).
 */
export function postgresConnectionConfig(url: string): { connectionString: string; Client?: typeof pg.Client } {
  const parsed = parseHostList(url);
  if (!parsed) return { connectionString: url };
  return { connectionString: parsed.urlFor(parsed.hosts[0]!), Client: writableHostClient(parsed) };
}

type ConnectCallback = ((err: Error) => void) | ((err: null, c: pg.Client) => void);

function writableHostClient(parsed: ParsedUrl): typeof pg.Client {
  let preferred = 0;
  const { hosts } = parsed;

  async function isWritable(host: Host, timeoutMs: number): Promise<boolean> {
    const probe = new pg.Client({ connectionString: parsed.urlFor(host), connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
    probe.on('error', () => {});
    try {
      await probe.connect();
      const { rows } = await probe.query<{ transaction_read_only: string }>('SHOW transaction_read_only');
      return rows[0]?.transaction_read_only === 'off';
    } finally {
      await probe.end().catch(() => {});
    }
  }

  async function writableHost(timeoutMs: number): Promise<Host> {
    const problems: string[] = [];
    for (let i = 0; i < hosts.length; i++) {
      const index = (preferred + i) % hosts.length;
      const host = hosts[index]!;
      try {
        if (await isWritable(host, timeoutMs)) {
          preferred = index;
          return host;
        }
        problems.push(`${host.host}:${host.port} is read-only`);
      } catch (error) {
        problems.push(`${host.host}:${host.port}: ${(error as Error).message}`);
      }
    }
    // SQLSTATE 08001 (cannot establish a connection): reported as "database unavailable".
    throw Object.assign(new Error(`no PostgreSQL host takes writes (${problems.join('; ')})`), { code: '08001' });
  }

  return class WritableHostClient extends pg.Client {
    private readonly timeoutMs: number;

    constructor(config?: string | pg.ClientConfig) {
      super(config);
      const total = (typeof config === 'object' && config.connectionTimeoutMillis) || 10_000;
      this.timeoutMs = Math.max(1000, Math.floor(total / hosts.length));
    }

    override connect(): Promise<pg.Client>;
    override connect(callback: ConnectCallback): void;
    override connect(callback?: ConnectCallback): Promise<pg.Client> | void {
      const connected = writableHost(this.timeoutMs).then((host) => {
        // The pool may have given up on this client meanwhile (its connection timeout).
        if ((this as unknown as { connection: { stream: { destroyed: boolean } } }).connection.stream.destroyed) throw new Error('timeout exceeded when trying to connect');
        this.host = host.host;
        this.port = host.port;
        return super.connect();
      });
      if (!callback) return connected;
      connected.then(
        (client) => (callback as (err: null, c: pg.Client) => void)(null, client),
        (error: Error) => (callback as (err: Error) => void)(error),
      );
    }
  } as unknown as typeof pg.Client;
}
