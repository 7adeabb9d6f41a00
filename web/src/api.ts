// JSON calls to CCS with the session cookie; every non-GET request carries the CSRF token.

let csrfToken: string | null = null;
let onUnauthorized: () => void = () => {};

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function api<T>(path: string, options: { method?: 'GET' | 'POST' | 'PUT'; body?: unknown; keepalive?: boolean } = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(options.keepalive ? { keepalive: true } : {}),
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = text;
  }
  if (!response.ok) {
    const error = (data as { error?: { code?: string; message?: string } } | null)?.error;
    if (response.status === 401 && !path.startsWith('/ui/login')) onUnauthorized();
    throw new ApiError(response.status, error?.code ?? String(response.status), error?.message ?? response.statusText);
  }
  return data as T;
}

export interface SessionInfo {
  user: { username: string; role: 'agent' | 'supervisor' | 'admin'; agentCode: string | null; stationId: string | null; deskAgentCode: string | null } | null;
  csrfToken: string | null;
  timeZone: string;
  demoAccounts: boolean;
}
