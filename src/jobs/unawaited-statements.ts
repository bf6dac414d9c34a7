import type PgBoss from 'pg-boss';

// pg-boss ships no types for its SQL builders; these two are the statements its own worker loop
// (used for cron schedules) sends without awaiting them.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const plans = require('pg-boss/src/plans') as {
  completeJobs(schema: string): string;
  failJobsById(schema: string): string;
};

/**
 * pg-boss's built-in worker completes or fails a job without awaiting the promise, so a database
 * error at that instant would be an unhandled rejection and end the process. For those two
 * statements the error is logged and reported as "nothing changed": the job stays active, expires
 * and runs again, which every handler here tolerates.
 */
export function guardUnawaitedStatements(
  db: PgBoss.Db,
  schema: string,
  logger: { warn(obj: object): void },
): PgBoss.Db {
  const guarded = new Set([plans.completeJobs(schema), plans.failJobsById(schema)]);
  return {
    executeSql: async (text, values) => {
      if (!guarded.has(text)) return db.executeSql(text, values);
      try {
        return await db.executeSql(text, values);
      } catch (err) {
        logger.warn({
          msg: 'Job state not saved; the job will run again',
          err: (err as Error).message?.split('\n', 1)[0],
        });
        return { rows: [{ count: '0' }] };
      }
    },
  };
}
