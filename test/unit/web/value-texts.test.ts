import { describe, expect, it } from 'vitest';
import { describeFailure } from '../../../src/outbox/http-sender.ts';
import { ApiError } from '../../../web/src/api.ts';
import { translator } from '../../../web/src/i18n.ts';
import { en } from '../../../web/src/texts/en.ts';
import { vi } from '../../../web/src/texts/vi.ts';
import { callbackKindText, crmErrorText, dialModeText, errorText, groupText, outcomeText, waitReasonText } from '../../../web/src/value-texts.ts';

const t = translator('vi');
const viTexts = new Set<string>(Object.values(vi));

describe('values from the server shown in words (Vietnamese)', () => {
  it('every delivery error the outbox records reads as a Vietnamese sentence, each kind its own', () => {
    const codes = ['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'UND_ERR_CLOSED'];
    const texts = codes.map((code) => crmErrorText(t, describeFailure({ code }, 10_000)));
    for (const text of texts) expect(viTexts.has(text), text).toBe(true);
    expect(new Set(texts).size).toBe(codes.length);
    expect(crmErrorText(t, 'HTTP 503')).toBe('CRM trả lời lỗi 503.');
    expect(crmErrorText(t, 'EWHATEVER: something odd')).toBe(vi['crmErr.other']);
  });

  it('outcomes, wait reasons, dial modes, groups and callback kinds have Vietnamese words', () => {
    expect(['answered', 'exhausted', 'dnc'].map((o) => outcomeText(t, o))).toEqual(['đã nghe máy', 'hết số lần gọi', 'không được gọi']);
    expect(waitReasonText(t, 'retry-delay')).toBe('chờ gọi lại');
    expect(waitReasonText(t, 'outside-legal-hours (vn: 08:00-20:00)')).toBe('ngoài giờ gọi theo quy định');
    expect(waitReasonText(t, 'frequency-cap-day (vn: 3 per day to one number, all campaigns)')).toBe('đã đạt giới hạn số lần gọi');
    expect(waitReasonText(t, 'something-new')).toBe('đang chờ');
    expect(dialModeText(t, { dialMode: 'progressive' })).toBe('Lũy tiến');
    expect(dialModeText(t, { dialMode: 'power', powerRatio: 1.5 })).toBe('Gọi nhiều ×1.5');
    expect(dialModeText(t, { dialMode: 'predictive', abandonTarget: 0.03 })).toBe('Dự đoán ≤3%');
    expect(groupText(t, 'default')).toBe('nhóm mặc định');
    expect(groupText(t, 'sales')).toBe('nhóm sales');
    expect(['update', 'finish'].map((k) => callbackKindText(t, k))).toEqual(['Kết quả cuộc gọi', 'Kết thúc chiến dịch']);
  });

  it('a failed request is a sentence: no network, 404, 503, other statuses', () => {
    expect(errorText(t, new TypeError('Failed to fetch'))).toBe(vi['err.network']);
    expect(errorText(t, new ApiError(404, '404', 'Not Found'))).toBe(vi['err.notFound']);
    expect(errorText(t, new ApiError(503, 'unavailable', 'x'))).toBe(vi['err.unavailable']);
    expect(errorText(t, new ApiError(500, '500', 'x'))).toBe('CCS không thực hiện được yêu cầu (lỗi 500). Vui lòng thử lại.');
    expect(errorText(translator('en'), new TypeError('Failed to fetch'))).toBe(en['err.network']);
  });
});
