/** The kinds of rows a reconciliation repairs, each counted on its own. */
export const RECONCILED_KINDS = [
  'users',
  'organizations',
  'members',
  'installations',
  'repositories',
] as const;
export type ReconciledKind = (typeof RECONCILED_KINDS)[number];

/** What a run did (or, dry, would do) to one row: a restore counts as `updated`. */
export type Outcome = 'created' | 'updated' | 'deleted' | 'unchanged';

export type KindCounts = Record<Outcome, number>;
export type RunCounts = Record<ReconciledKind, KindCounts>;

export type RunSource = 'clerk' | 'github' | 'run';

/**
 * One problem of a run: `skipped` (a source without credentials), `rejected` (a record the
 * source sent that cannot be mirrored), `failed` (a source call failed: its part stopped there).
 */
export interface RunError {
  source: RunSource;
  kind: 'skipped' | 'rejected' | 'failed';
  message: string;
}

export type RunStatus = 'running' | 'succeeded' | 'failed';

export function emptyCounts(): RunCounts {
  return Object.fromEntries(
    RECONCILED_KINDS.map((kind) => [kind, { created: 0, updated: 0, deleted: 0, unchanged: 0 }]),
  ) as RunCounts;
}

/** `into` plus `delta`, kind by kind. */
export function addCounts(into: RunCounts, delta: RunCounts): void {
  for (const kind of RECONCILED_KINDS) {
    for (const outcome of Object.keys(delta[kind]) as Outcome[]) {
      into[kind][outcome] += delta[kind][outcome];
    }
  }
}
