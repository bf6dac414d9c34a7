import { Injectable } from '@nestjs/common';
import { ClsService } from 'nestjs-cls';

export type ActorType = 'user' | 'clerk' | 'github' | 'system';

/** Who makes a change: a signed-in user (with their id), or Clerk, GitHub or the service itself. */
export type Actor =
  { type: 'user'; id: string } | { type: 'clerk' | 'github' | 'system'; id: null };

export const SYSTEM_ACTOR: Actor = { type: 'system', id: null };
export const CLERK_ACTOR: Actor = { type: 'clerk', id: null };
export const GITHUB_ACTOR: Actor = { type: 'github', id: null };

const ACTOR_KEY = 'actor';

/**
 * Who is behind the current work, kept in the AsyncLocalStorage context that also carries the
 * transaction: the AuthGuard sets the signed-in user for a request; webhook jobs and
 * reconciliation run as Clerk, GitHub or the system. Services read it where they record who did
 * what (the audit log), so the caller does not travel through every signature.
 */
@Injectable()
export class ActorContext {
  constructor(private readonly cls: ClsService) {}

  /** The caller of the current request, once authenticated. */
  setUser(userId: string): void {
    this.cls.set(ACTOR_KEY, { type: 'user', id: userId } satisfies Actor);
  }

  /** The actor of the current context; work outside any request or job is the system's. */
  current(): Actor {
    return (this.cls.isActive() ? this.cls.get<Actor>(ACTOR_KEY) : undefined) ?? SYSTEM_ACTOR;
  }

  /** The id of the current HTTP request (its X-Request-Id), or null outside a request. */
  requestId(): string | null {
    return (this.cls.isActive() ? this.cls.getId() : undefined) || null;
  }

  /** Runs `work` as `actor` in a fresh context of its own: no request id, no transaction. */
  runAs<T>(actor: Actor, work: () => Promise<T>): Promise<T> {
    return this.cls.runWith({}, () => {
      this.cls.set(ACTOR_KEY, actor);
      return work();
    });
  }
}
