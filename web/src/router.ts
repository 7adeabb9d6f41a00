// Minimal history-based routing: the current path, and navigation without reloads.
import { useEffect, useState } from 'preact/hooks';

export function navigate(path: string): void {
  if (path === location.pathname + location.search) return;
  history.pushState(null, '', path);
  window.dispatchEvent(new Event('ccs:navigate'));
}

export function usePath(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const update = () => setPath(location.pathname);
    window.addEventListener('popstate', update);
    window.addEventListener('ccs:navigate', update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener('ccs:navigate', update);
    };
  }, []);
  return path;
}
