import { PageOf } from '../../common/pagination/page.dto';
import type { User } from '../../db/schema';

export class UserResponseDto {
  /** Clerk user id. */
  id!: string;
  email!: string;
  firstName!: string;
  lastName!: string;
  photoUrl!: string;
  /** Platform administrator. */
  isAdmin!: boolean;
  deleted!: boolean;
  deletedAt!: Date | null;
  createdAt!: Date;
  updatedAt!: Date;

  static from(user: User): UserResponseDto {
    return {
      id: user.id,
      email: user.email,
      firstName: user.firstName,
      lastName: user.lastName,
      photoUrl: user.photoUrl,
      isAdmin: user.isAdmin,
      deleted: user.deleted,
      deletedAt: user.deletedAt,
      createdAt: user.createdAt,
      updatedAt: user.updatedAt,
    };
  }
}

export class UserPageDto extends PageOf(UserResponseDto) {}

export class UserOrganizationDto {
  id!: string;
  name!: string;
  /** FREE, PRO or ENTERPRISE. */
  plan!: string;
  /** The caller's role there. */
  role!: 'admin' | 'member';
}

export class MeResponseDto extends UserResponseDto {
  /** The organizations the caller is an active member of. */
  organizations!: UserOrganizationDto[];
}
