/**
 * What the delivery worker reports as it goes, for metrics (deliveries by result, delivery
 * latency). The worker calls these synchronously; implementations must not throw or block.
 */
import type { CallbackKind } from '../ports/store.ts';

export interface DeliveryObserver {
  /** A 2xx came back; `latencyMs` is from the callback's creation (the state change) to now. */
  delivered(kind: CallbackKind, latencyMs: number): void;
  /** One attempt failed; `reason` is short ("HTTP 503", "timeout …", "connection refused"). */
  failed(kind: CallbackKind, reason: string): void;
  /** After a failed attempt the callback passed its maximum age and is now kept as dead. */
  dead(kind: CallbackKind): void;
}

export const noopDeliveryObserver: DeliveryObserver = {
  delivered: () => {},
  failed: () => {},
  dead: () => {},
};
