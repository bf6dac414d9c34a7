/** A mirror row as the comparison needs it. */
interface MirrorState {
  deleted: boolean;
  deletedAt: Date | null;
  clerkUpdatedAt: Date | null;
}

export type RepairOutcome = 'created' | 'updated' | 'restored';

/**
 * What Clerk's version of a row means for the mirror's: missing → created; deleted, and Clerk
 * changed it after the deletion → restored (counted as updated); active with an older Clerk
 * version, or none (a placeholder) → updated; otherwise unchanged. A row deleted later than
 * Clerk's last change stays deleted, as a late webhook would leave it.
 */
export function compare(
  row: MirrorState | undefined,
  clerkUpdatedAt: Date,
): RepairOutcome | 'unchanged' {
  if (!row) return 'created';
  if (row.deleted) {
    return row.deletedAt && row.deletedAt < clerkUpdatedAt ? 'restored' : 'unchanged';
  }
  return !row.clerkUpdatedAt || row.clerkUpdatedAt < clerkUpdatedAt ? 'updated' : 'unchanged';
}

/** A restore is an update in a run's counts. */
export const countedAs = (outcome: RepairOutcome) => (outcome === 'restored' ? 'updated' : outcome);

export const byId = <T extends { id: string }>(row: T): [string, T] => [row.id, row];
