// A `linkedit` comes from the CRM's data: it becomes a link, a frame or a new tab only when it
// is an absolute http(s) URL. `javascript:`, `data:`, `blob:`, `file:` and relative or
// malformed URLs are shown as text, never followed.

export function webLink(url: string | null | undefined): string | null {
  if (!url) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
}
