import type { ZodError } from 'zod';

export type WebhookSource = 'clerk' | 'github';
export const WEBHOOK_SOURCES: WebhookSource[] = ['clerk', 'github'];

/**
 * What a signed body turns out to be, decided from the body itself by the schema of its event
 * type: an event to apply, one this service does not use, or one that does not fit its schema.
 */
export type DeliveryReading<T> =
  | { kind: 'valid'; event: string; installationId?: string; payload: T }
  | { kind: 'ignored'; event: string }
  | { kind: 'rejected'; event: string; reason: string };

const MAX_REASON = 300;

/** One line naming the first mismatch, e.g. `data.id: Invalid input: expected string`. */
export function schemaMismatch(error: ZodError): string {
  const issue = error.issues[0];
  const where = issue?.path.length ? `${issue.path.map(String).join('.')}: ` : '';
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '';
  return oneLine(`${where}${issue?.message ?? 'does not fit the schema'}${more}`);
}

export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, MAX_REASON);
}

/** An event name from a body: a short plain word, or `unknown` for anything else. */
export function eventName(value: unknown): string | undefined {
  return typeof value === 'string' && /^[A-Za-z0-9_.]{1,100}$/.test(value) ? value : undefined;
}
