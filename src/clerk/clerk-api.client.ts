import { Injectable, Logger } from '@nestjs/common';
import { TimeoutError, withTimeout } from '../common/async/with-timeout';
import { createClerkClient, type ClerkClient } from '@clerk/backend';
import { AppConfig } from '../common/config/app-config';
import { PATH_ID } from '../common/ids/path-id';
import {
  CLERK_TIMEOUT_MS,
  ClerkFailure,
  ClerkUnavailableError,
  NotFound,
  reasonOf,
} from './clerk-call';
import { roleFromClerk } from './clerk-events';
import type {
  ClerkMembershipRecord,
  ClerkOrganizationRecord,
  ClerkPage,
  ClerkUserRecord,
} from './clerk-records';

/** Clerk's largest page. */
export const CLERK_PAGE_SIZE = 500;
/** Tries of one call: the first and four more after a 429, a 5xx or no answer. */
const MAX_TRIES = 5;
/** Waits between tries without a Retry-After: 0.5 s, 1 s, 2 s, 4 s. */
const BACKOFF_MS = 500;
/** A Retry-After longer than this is not believed (one minute). */
const MAX_RETRY_AFTER_S = 60;

/**
 * Clerk's Backend API through the official SDK (`createClerkClient` with CLERK_SECRET_KEY at
 * CLERK_API_URL): users, organizations and memberships, a page at a time. Every call is bounded
 * by CLERK_TIMEOUT_MS (the SDK takes no abort signal, so the wait is raced) and retried a few
 * times on 429 (after Clerk's Retry-After), 5xx and network failures, with backoff.
 */
@Injectable()
export class ClerkApiClient {
  private readonly logger = new Logger('Clerk');
  private readonly clerk?: ClerkClient;

  constructor(config: AppConfig) {
    if (config.auth.secretKey) {
      this.clerk = createClerkClient({
        secretKey: config.auth.secretKey,
        apiUrl: config.clerkApiUrl,
      });
    }
  }

  get configured(): boolean {
    return this.clerk !== undefined;
  }

  /** Users oldest first, so users created meanwhile land on later pages. */
  async users(offset: number): Promise<ClerkPage<ClerkUserRecord>> {
    const page = await this.call('user list', (clerk) =>
      clerk.users.getUserList({ limit: CLERK_PAGE_SIZE, offset, orderBy: '+created_at' }),
    );
    const records: ClerkUserRecord[] = [];
    const rejected: string[] = [];
    for (const u of page.data) {
      if (!validId(u.id)) {
        rejected.push(`user ${String(u.id).slice(0, 64)}: not a Clerk id`);
        continue;
      }
      const primary =
        u.emailAddresses.find((a) => a.id === u.primaryEmailAddressId) ?? u.emailAddresses[0];
      records.push({
        user: {
          id: u.id,
          email: primary?.emailAddress ?? '',
          firstName: u.firstName ?? '',
          lastName: u.lastName ?? '',
          photoUrl: u.imageUrl ?? '',
        },
        createdAt: new Date(u.createdAt),
        updatedAt: new Date(u.updatedAt),
      });
    }
    return { records, rejected, totalCount: page.totalCount };
  }

  async organizations(offset: number): Promise<ClerkPage<ClerkOrganizationRecord>> {
    const page = await this.call('organization list', (clerk) =>
      clerk.organizations.getOrganizationList({
        limit: CLERK_PAGE_SIZE,
        offset,
        orderBy: '+created_at',
      }),
    );
    const records: ClerkOrganizationRecord[] = [];
    const rejected: string[] = [];
    for (const o of page.data) {
      if (!validId(o.id) || !o.name) {
        rejected.push(`organization ${String(o.id).slice(0, 64)}: not a Clerk id or no name`);
        continue;
      }
      records.push({
        id: o.id,
        name: o.name.slice(0, 200),
        createdAt: new Date(o.createdAt),
        updatedAt: new Date(o.updatedAt),
      });
    }
    return { records, rejected, totalCount: page.totalCount };
  }

  async memberships(organizationId: string, offset: number) {
    const page = await this.call('membership list', (clerk) =>
      clerk.organizations.getOrganizationMembershipList({
        organizationId,
        limit: CLERK_PAGE_SIZE,
        offset,
      }),
    );
    const records: ClerkMembershipRecord[] = [];
    const rejected: string[] = [];
    for (const m of page.data) {
      const member = m.publicUserData;
      if (!member || !validId(member.userId)) {
        rejected.push(`membership ${String(m.id).slice(0, 64)}: no valid user id`);
        continue;
      }
      records.push({
        organizationId,
        user: {
          id: member.userId,
          email: member.identifier ?? '',
          firstName: member.firstName ?? '',
          lastName: member.lastName ?? '',
          photoUrl: member.imageUrl ?? '',
        },
        role: roleFromClerk(m.role),
        createdAt: new Date(m.createdAt),
        updatedAt: new Date(m.updatedAt),
      });
    }
    return { records, rejected, totalCount: page.totalCount } satisfies ClerkPage<unknown>;
  }

  /** False only when Clerk answers 404: the check before a row is deleted as vanished. */
  async userExists(id: string): Promise<boolean> {
    return this.exists('user', (clerk) => clerk.users.getUser(id));
  }

  async organizationExists(id: string): Promise<boolean> {
    return this.exists('organization', (clerk) =>
      clerk.organizations.getOrganization({ organizationId: id }),
    );
  }

  private async exists(kind: string, get: (clerk: ClerkClient) => Promise<unknown>) {
    try {
      await this.call(`${kind} read`, get, true);
      return true;
    } catch (err) {
      if (err instanceof NotFound) return false;
      throw err;
    }
  }

  /** One SDK call with a deadline, retried on 429 (Retry-After), 5xx and network failures. */
  private async call<T>(
    name: string,
    work: (clerk: ClerkClient) => Promise<T>,
    notFoundIsAnswer = false,
  ): Promise<T> {
    if (!this.clerk) throw new ClerkUnavailableError(name, 'CLERK_SECRET_KEY is not set');
    for (let attempt = 1; ; attempt++) {
      try {
        return await withTimeout(work(this.clerk), CLERK_TIMEOUT_MS, 'Clerk call');
      } catch (err) {
        const failure = err as ClerkFailure;
        if (notFoundIsAnswer && failure.status === 404) throw new NotFound();
        const reason = reasonOf(err);
        const retryable =
          err instanceof TimeoutError ||
          failure.status === undefined ||
          failure.status === 429 ||
          failure.status >= 500;
        if (!retryable || attempt >= MAX_TRIES) throw new ClerkUnavailableError(name, reason);
        const waitMs =
          failure.status === 429 && failure.retryAfter !== undefined
            ? Math.min(failure.retryAfter, MAX_RETRY_AFTER_S) * 1000
            : BACKOFF_MS * 2 ** (attempt - 1);
        this.logger.warn({ msg: 'Clerk call will be retried', call: name, reason, waitMs });
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
    }
  }
}

const validId = (id: unknown): id is string => typeof id === 'string' && PATH_ID.test(id);
