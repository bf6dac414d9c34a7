import type PgBoss from 'pg-boss';
import { setTimeout as sleep } from 'node:timers/promises';

/** What a handler knows about the attempt it runs. */
export interface JobAttempt {
  id: string;
  /** 1 for the first run, 2 for the first retry, … */
  attempt: number;
  /** True when a thrown error will not be retried (the job goes to its dead-letter queue). */
  lastAttempt: boolean;
}

export type JobHandler<T> = (data: T, attempt: JobAttempt) => Promise<void>;

export interface WorkerLogger {
  warn(obj: object): void;
}

type FetchedJob<T> = PgBoss.JobWithMetadata<T>;

/** Jobs taken per fetch, run one after the other and completed together: fewer round trips. */
const BATCH_SIZE = 5;

/**
 * One polling loop on one queue: fetch a few jobs (SKIP LOCKED, so several loops and instances never
 * take the same one), run the handler on each, then complete them, or fail one so pg-boss retries it with
 * backoff. Written here rather than pg-boss's `work()`, whose loop completes jobs without
 * awaiting the result: a database error at that moment would be an unhandled rejection.
 */
export class JobWorker<T> {
  private stopping = false;
  private running?: Promise<void>;
  private wake?: AbortController;
  private woken = false;

  constructor(
    private readonly boss: PgBoss,
    readonly queue: string,
    private readonly handler: JobHandler<T>,
    private readonly pollIntervalMs: number,
    private readonly logger: WorkerLogger,
    /** Told of each run that threw (a metric). */
    private readonly onFailure: () => void = () => undefined,
  ) {}

  start(): void {
    this.running = this.loop();
  }

  /** Ends the wait between polls, so a job sent a moment ago is taken at once. */
  notify(): void {
    this.woken = true;
    this.wake?.abort();
  }

  /** Stops polling and waits for the job in hand, if any, to finish. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.notify();
    await this.running;
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      this.woken = false;
      const jobs = await this.fetch();
      if (jobs.length === 0) {
        await this.idle();
        continue;
      }
      const done: string[] = [];
      for (const job of jobs) if (await this.run(job)) done.push(job.id);
      if (done.length > 0) await this.settle('complete', done);
    }
  }

  private async fetch(): Promise<FetchedJob<T>[]> {
    try {
      return await this.boss.fetch<T>(this.queue, { batchSize: BATCH_SIZE, includeMetadata: true });
    } catch (err) {
      this.logger.warn({ msg: 'Job fetch failed', queue: this.queue, err: message(err) });
      return [];
    }
  }

  private async idle(): Promise<void> {
    if (this.woken || this.stopping) return;
    this.wake = new AbortController();
    await sleep(this.pollIntervalMs, undefined, { signal: this.wake.signal }).catch(() => {});
    this.wake = undefined;
  }

  /** True when the handler finished; a failed job is handed back for a retry at once. */
  private async run(job: FetchedJob<T>): Promise<boolean> {
    const attempt: JobAttempt = {
      id: job.id,
      attempt: job.retryCount + 1,
      lastAttempt: job.retryCount >= job.retryLimit,
    };
    try {
      await this.handler(job.data, attempt);
      return true;
    } catch (err) {
      this.onFailure();
      await this.settle('fail', [job.id], { message: message(err) });
      return false;
    }
  }

  /** A job left active (database gone) expires and is retried; the handlers are idempotent. */
  private async settle(how: 'complete' | 'fail', ids: string[], output?: object): Promise<void> {
    try {
      await (how === 'complete'
        ? this.boss.complete(this.queue, ids)
        : this.boss.fail(this.queue, ids, output));
    } catch (err) {
      this.logger.warn({ msg: `Job ${how} failed`, queue: this.queue, err: message(err) });
    }
  }
}

/** The first line of an error's message: never a stack. */
export function message(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n', 1)[0].slice(0, 500);
}
