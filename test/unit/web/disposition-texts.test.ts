/** The callback scheduler's time field is wall-clock time in the service's zone; the contact's new wait reasons read as words. */
import { describe, expect, it } from 'vitest';
import { fromLocalInput, toLocalInput } from '../../../web/src/agent/zoned-input.ts';
import { translator } from '../../../web/src/i18n.ts';
import { waitReasonText } from '../../../web/src/value-texts.ts';

describe('callback time field', () => {
  it('reads and writes wall-clock time in the given zone, whatever the browser’s', () => {
    expect(fromLocalInput('2026-01-05T10:00', 'Asia/Ho_Chi_Minh')).toBe(Date.UTC(2026, 0, 5, 3, 0));
    expect(toLocalInput(Date.UTC(2026, 0, 5, 3, 0, 30), 'Asia/Ho_Chi_Minh')).toBe('2026-01-05T10:00');
    expect(fromLocalInput('2026-06-01T12:00', 'America/New_York')).toBe(Date.UTC(2026, 5, 1, 16, 0));
    expect(fromLocalInput('tomorrow', 'Asia/Ho_Chi_Minh')).toBeNull();
  });
});

describe('wait reasons of dispositions', () => {
  it('a contact waiting for its callback or a retry the agent chose reads as words in both languages', () => {
    for (const lang of ['vi', 'en'] as const) {
      const t = translator(lang);
      for (const reason of ['callback', 'disposition-retry']) expect(waitReasonText(t, reason)).not.toBe(t('wait.other'));
    }
    expect(waitReasonText(translator('vi'), 'callback')).toBe('chờ cuộc gọi lại đã hẹn');
  });
});
