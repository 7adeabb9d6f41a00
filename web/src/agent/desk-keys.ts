// Keyboard shortcuts of the agent desktop (documented in docs/web-ui.md):
//   R  Ready        P  Pause (with the reason chosen in the list)
//   H  Hang up, or cancel the agent's own call while it is dialled and rings (preview, manual)
//   M  Mute/unmute  O  Hold/resume   K  Keypad   T  Transfer   C  Conference (during a consult)
// Each presses the visible button, so a shortcut does exactly what the click does and nothing
// when the button is disabled or absent. They never fire while the agent types in a field, nor
// with Ctrl/Alt/Meta held (browser shortcuts). Digits 1–9 are left to the wrap-up panel.
import { useEffect } from 'preact/hooks';

/** Each key's buttons (by test id), in order: the first one on screen and enabled is pressed. */
export const DESK_KEYS: Record<string, readonly string[]> = {
  r: ['ready'],
  p: ['pause'],
  // A call being placed has no Hang up yet, only its Cancel: H ends the call either way.
  h: ['hangup', 'outbound-hangup'],
  m: ['mute'],
  o: ['hold'],
  k: ['keypad'],
  t: ['transfer'],
  c: ['conference'],
};

export function typingIn(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  if (el.isContentEditable) return true;
  if (el.tagName === 'TEXTAREA' || el.tagName === 'SELECT') return true;
  if (el.tagName !== 'INPUT') return false;
  const type = (el as HTMLInputElement).type;
  return !['button', 'checkbox', 'radio', 'submit', 'reset', 'range', 'color', 'file', 'image'].includes(type);
}

export function useDeskKeys(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.repeat || e.ctrlKey || e.altKey || e.metaKey || e.isComposing) return;
      if (typingIn(e.target)) return;
      const actions = DESK_KEYS[e.key.toLowerCase()];
      if (!actions) return;
      const button = actions.map((action) => document.querySelector<HTMLButtonElement>(`[data-testid=${action}]`)).find((b) => b && !b.disabled);
      if (!button) return;
      e.preventDefault();
      button.click();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
}
