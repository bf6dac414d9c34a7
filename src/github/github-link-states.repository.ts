import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import type { DrizzleAdapter } from '../common/transaction/transaction-host';
import { GithubLinkState, githubLinkStates } from '../db/schema';

/** The `state` values handed out for GitHub's install flow, kept as their SHA-256 only. */
@Injectable()
export class GithubLinkStatesRepository {
  constructor(private readonly txHost: TransactionHost<DrizzleAdapter>) {}

  private get db() {
    return this.txHost.tx;
  }

  async insert(state: typeof githubLinkStates.$inferInsert): Promise<void> {
    await this.db.insert(githubLinkStates).values(state);
  }

  /**
   * Marks the state used and returns it, in one statement: of two requests presenting the same
   * state, only one gets the row. Undefined when unknown or already used.
   */
  async spend(stateHash: string): Promise<GithubLinkState | undefined> {
    const [row] = await this.db
      .update(githubLinkStates)
      .set({ usedAt: sql`now()` })
      .where(and(eq(githubLinkStates.stateHash, stateHash), isNull(githubLinkStates.usedAt)))
      .returning();
    return row;
  }

  /** Forgets states that expired before `before`: they can no longer prove anything. */
  async deleteExpiredBefore(before: Date): Promise<void> {
    await this.db.delete(githubLinkStates).where(lt(githubLinkStates.expiresAt, before));
  }
}
