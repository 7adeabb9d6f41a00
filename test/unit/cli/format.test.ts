/** Text output of ccs: aligned tables, durations for people, local times in the configured zone. */
import { describe, expect, it } from 'vitest';
import { fields, formatDuration, formatLocalTime, formatPercent, formatWindow, table } from '../../../src/cli/format.ts';

describe('table', () => {
  const rows = [
    { id: 7, state: 'running', phone: '0912345678' },
    { id: 12, state: 'finished', phone: null },
  ];
  const columns = [
    { header: 'ID', value: (r: (typeof rows)[number]) => r.id },
    { header: 'STATE', value: (r: (typeof rows)[number]) => r.state },
    { header: 'PHONE', value: (r: (typeof rows)[number]) => r.phone },
  ];

  it('aligns every column under its header, numbers to the right, text to the left, empty cells as -', () => {
    expect(table(rows, columns)).toBe(['ID  STATE     PHONE', ' 7  running   0912345678', '12  finished  -'].join('\n'));
  });

  it('leaves no blank at the end of a line', () => {
    for (const line of table(rows, columns).split('\n')) expect(line).toBe(line.trimEnd());
  });

  it('says so when there are no rows instead of printing a lone header', () => {
    expect(table([], columns, 'No campaigns.')).toBe('No campaigns.');
  });

  it('cuts values longer than their column allows with an ellipsis, and puts multi-line text on one line', () => {
    const out = table([{ e: 'connect ECONNREFUSED\n127.0.0.1:9090 after 3 tries' }], [{ header: 'ERROR', value: (r: { e: string }) => r.e, maxWidth: 20 }]);
    expect(out.split('\n')[1]).toBe('connect ECONNREFUSE…');
  });

  it('counts Vietnamese letters as one column each', () => {
    const out = table([{ n: 'Nguyễn' }, { n: 'An' }], [{ header: 'TÊN', value: (r: { n: string }) => r.n }, { header: 'X', value: () => 'x' }]);
    expect(out).toBe(['TÊN     X', 'Nguyễn  x', 'An      x'].join('\n'));
  });
});

describe('fields', () => {
  it('aligns values after their labels and leaves out undefined ones', () => {
    expect(fields([['State', 'running'], ['Stopped', undefined], ['Live calls', 3]])).toBe('State       running\nLive calls  3');
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [45, '45s'],
    [60, '1m 00s'],
    [125, '2m 05s'],
    [3599, '59m 59s'],
    [3725, '1h 02m'],
    [90_000, '1d 01h'],
  ])('%i seconds read %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it('shows - for a duration not known yet', () => {
    expect(formatDuration(null)).toBe('-');
  });
});

describe('formatLocalTime', () => {
  const instant = Date.UTC(2026, 10, 27, 1, 0, 0); // 2026-11-27 01:00:00 UTC

  it('writes an instant as wall-clock time of the configured zone, never as epoch milliseconds', () => {
    expect(formatLocalTime(instant, 'Asia/Ho_Chi_Minh')).toBe('2026-11-27 08:00:00');
    expect(formatLocalTime(instant, 'Europe/Paris')).toBe('2026-11-27 02:00:00');
  });

  it('shows - for no time', () => {
    expect(formatLocalTime(null, 'Asia/Ho_Chi_Minh')).toBe('-');
  });
});

describe('formatWindow and formatPercent', () => {
  it('leaves out the end date of a window within one day', () => {
    expect(formatWindow('2026-11-27 08:00:00', '2026-11-27 17:00:00')).toBe('2026-11-27 08:00:00 → 17:00:00');
    expect(formatWindow('2026-11-27 08:00:00', '2026-11-28 17:00:00')).toBe('2026-11-27 08:00:00 → 2026-11-28 17:00:00');
  });

  it('writes shares as percentages with one decimal', () => {
    expect(formatPercent(0.025)).toBe('2.5%');
    expect(formatPercent(0)).toBe('0.0%');
  });
});
