/** Campaign bodies as a CRM would send them, with windows relative to a given instant. */
import { formatContractDatetime } from '../../src/domain/local-time.ts';

export const ZONE = 'Asia/Ho_Chi_Minh';
export const at = (ms: number, zone = ZONE) => formatContractDatetime(ms, zone);

export function campaignBody(id: number | string, options: { now?: number; startInMs?: number; lengthMs?: number; contacts?: number; typeid?: number; numbers?: string[] } = {}) {
  const now = options.now ?? Date.now();
  const start = now + (options.startInMs ?? -60_000);
  const count = options.numbers?.length ?? options.contacts ?? 2;
  return {
    campaignid: id,
    starttime: at(start),
    endtime: at(start + (options.lengthMs ?? 3_600_000)),
    ...(options.typeid !== undefined ? { typeid: options.typeid } : {}),
    contact: Array.from({ length: count }, (_, i) => ({
      id: i + 1,
      phonenumber: options.numbers?.[i] ?? `09876543${String(i).padStart(2, '0')}`,
      linkedit: `http://crm.vn/admin/ContactLevelInfo/EditL3/${i + 1}`,
    })),
  };
}
