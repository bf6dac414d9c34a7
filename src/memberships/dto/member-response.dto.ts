import { PageOf } from '../../common/pagination/page.dto';
import type { OrgRole } from '../../common/auth/principal';
import type { MemberWithUser } from '../memberships.repository';

export class MemberUserDto {
  id!: string;
  email!: string;
  firstName!: string;
  lastName!: string;
  photoUrl!: string;
}

export class MemberResponseDto {
  id!: string;
  organizationId!: string;
  userId!: string;
  role!: OrgRole;
  createdAt!: Date;
  updatedAt!: Date;
  user!: MemberUserDto;

  static from(member: MemberWithUser): MemberResponseDto {
    return {
      id: member.id,
      organizationId: member.organizationId,
      userId: member.userId,
      role: member.role,
      createdAt: member.createdAt,
      updatedAt: member.updatedAt,
      user: member.user,
    };
  }
}

export class MemberPageDto extends PageOf(MemberResponseDto) {}
