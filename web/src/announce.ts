// Screen-reader announcements: one polite live region in the shell; pages call announce() on
// state changes (agent state, incoming call, campaign closed). Re-announcing the same text
// clears the region first, so the reader speaks it again.
import { useEffect, useState } from 'preact/hooks';
import { h } from 'preact';

let push: (text: string) => void = () => {};

export function announce(text: string): void {
  push(text);
}

export function LiveRegion() {
  const [text, setText] = useState('');
  useEffect(() => {
    let timer = 0;
    push = (next) => {
      setText('');
      window.clearTimeout(timer);
      timer = window.setTimeout(() => setText(next), 50);
    };
    return () => {
      push = () => {};
      window.clearTimeout(timer);
    };
  }, []);
  return h('div', { class: 'sr-only', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true', 'data-testid': 'announcer' }, text);
}
