import { Injectable } from '@nestjs/common';
import { DomainError, NotFoundError } from '../common/errors/domain-error';
import type { Page, PageRequest } from '../common/pagination/page';
import type { NewUser, User } from '../db/schema';
import { LastAdminError } from '../memberships/last-admin.error';
import { MembershipsService } from '../memberships/memberships.service';
import { UserChanges, UserListFilter, UsersRepository } from './users.repository';

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly memberships: MembershipsService,
  ) {}

  /** Active user or USER_NOT_FOUND; other features use this to check a user exists. */
  async getActive(id: string): Promise<User> {
    const user = await this.users.findById(id);
    if (!user) throw new NotFoundError('USER');
    return user;
  }

  /**
   * A user as `caller` may see them: themselves, anyone for a platform admin, or someone who
   * shares an active organization. Anyone else is indistinguishable from a missing user.
   */
  async getVisibleTo(caller: User, id: string, includeDeleted = false): Promise<User> {
    const mayIncludeDeleted = includeDeleted && caller.isAdmin;
    const user = await this.users.findById(id, mayIncludeDeleted);
    const visible =
      user &&
      (user.id === caller.id ||
        caller.isAdmin ||
        (await this.memberships.shareAnOrganization(caller.id, user.id)));
    if (!visible) throw new NotFoundError('USER');
    return user;
  }

  list(filter: UserListFilter, request: PageRequest): Promise<Page<User>> {
    return this.users.list(filter, request);
  }

  async create(user: NewUser): Promise<User> {
    const created = await this.users.insert(user);
    if (!created) {
      throw new DomainError('USER_ALREADY_EXISTS', `A user with id ${user.id} already exists`);
    }
    return created;
  }

  async update(id: string, changes: UserChanges): Promise<User> {
    const updated = await this.users.update(id, changes);
    if (!updated) throw new NotFoundError('USER');
    return updated;
  }

  /**
   * Refused with LAST_ADMIN while the user is the only active admin of an active organization:
   * someone else must be made admin there first. (Clerk's user.deleted is applied regardless.)
   */
  async softDelete(id: string): Promise<void> {
    const orphaned = await this.memberships.organizationsAdministeredOnlyBy(id);
    if (orphaned.length > 0) {
      throw new LastAdminError(
        `This user is the only admin of ${orphaned.length} organization(s); make someone else admin there first`,
        orphaned.map((org) => ({
          organizationId: org.id,
          message: `${org.name} (${org.id}) has no other active admin`,
        })),
      );
    }
    if (!(await this.users.softDelete(id))) throw new NotFoundError('USER');
  }

  async restore(id: string): Promise<User> {
    const restored = await this.users.restore(id);
    if (!restored) throw new NotFoundError('USER');
    return restored;
  }
}
