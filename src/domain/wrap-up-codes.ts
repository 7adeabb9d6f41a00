/**
 * Wrap-up dispositions: the code an agent gives a connected call (not the CDR status of
 * src/domain/disposition.ts, which the call itself decides). Each profile lists its codes and
 * whether one is required; each code has an effect on the contact:
 *   final         the contact is done (counts as a success on the supervisor's views when `success`)
 *   retry         tried again under the profile's retry rule (attempts left, delay after the call)
 *   callback      tried again at a time the agent chose (a scheduled callback)
 *   dnc           the number goes on the do-not-call list; the contact is done
 *   wrong-number  the contact is done
 * A connected call is already final for the contract (ANSWERED); a disposition only changes
 * what happens next (see docs/web-ui.md, "Dispositions").
 */
import type { RetryRule } from './profile.ts';

export const DISPOSITION_EFFECTS = ['final', 'retry', 'callback', 'dnc', 'wrong-number'] as const;
export type DispositionEffect = (typeof DISPOSITION_EFFECTS)[number];

export interface DispositionCode {
  /** Stable code stored with the attempt and sent to the CRM when enabled (e.g. `sale`). */
  code: string;
  label: { vi: string; en: string };
  effect: DispositionEffect;
  /** Whether a `final` code counts as a success on the supervisor's views. */
  success: boolean;
}

export interface DispositionSettings {
  codes: DispositionCode[];
  /** The agent must pick a code before leaving wrap-up by "Save & ready". */
  required: boolean;
}

const code = (c: string, vi: string, en: string, effect: DispositionEffect, success = false): DispositionCode => ({ code: c, label: { vi, en }, effect, success });

/** Codes of a profile that configures none. */
export const DEFAULT_DISPOSITIONS: DispositionSettings = {
  required: false,
  codes: [
    code('done', 'Hoàn tất', 'Done', 'final', true),
    code('not-interested', 'Không quan tâm', 'Not interested', 'final'),
    code('call-back', 'Gọi lại', 'Call back', 'callback'),
    code('try-again', 'Thử lại sau', 'Try again later', 'retry'),
    code('do-not-call', 'Không gọi lại nữa', 'Do not call', 'dnc'),
    code('wrong-number', 'Sai số', 'Wrong number', 'wrong-number'),
  ],
};

/** Codes of advertising profiles (Decree 91 rule set): a sale is the success. */
export const ADVERTISING_DISPOSITIONS: DispositionSettings = {
  required: true,
  codes: [
    code('sale', 'Đồng ý mua', 'Sale', 'final', true),
    code('not-interested', 'Không quan tâm', 'Not interested', 'final'),
    code('call-back', 'Hẹn gọi lại', 'Call back', 'callback'),
    code('try-again', 'Thử lại sau', 'Try again later', 'retry'),
    code('do-not-call', 'Từ chối nhận cuộc gọi quảng cáo', 'Do not call', 'dnc'),
    code('wrong-number', 'Sai số', 'Wrong number', 'wrong-number'),
  ],
};

export function findCode(settings: DispositionSettings, value: unknown): DispositionCode | undefined {
  return typeof value === 'string' ? settings.codes.find((c) => c.code === value) : undefined;
}

/** What a disposition does to its contact, decided from the call and the rule (pure). */
export type ContactChange =
  | { kind: 'none' }
  | { kind: 'pending'; at: number; reason: 'disposition-retry' | 'callback' };

export function contactChangeOf(
  effect: DispositionEffect,
  input: { attemptsMade: number; endedAt: number; retry: RetryRule; callbackAt: number | null; endsAt: number },
): ContactChange {
  if (effect === 'callback' && input.callbackAt !== null) return { kind: 'pending', at: input.callbackAt, reason: 'callback' };
  if (effect === 'retry') {
    const at = input.endedAt + input.retry.delaySeconds * 1000;
    // The normal rule: only with attempts left and before the campaign ends.
    if (input.attemptsMade < input.retry.maxAttempts && at < input.endsAt) return { kind: 'pending', at, reason: 'disposition-retry' };
  }
  return { kind: 'none' };
}

/** A profile's codes: its own, else the defaults for its purpose. */
export function dispositionsOf(profile: { purpose: string; dispositions?: DispositionSettings }): DispositionSettings {
  return profile.dispositions ?? (profile.purpose === 'advertising' ? ADVERTISING_DISPOSITIONS : DEFAULT_DISPOSITIONS);
}
