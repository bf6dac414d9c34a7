import { IsIn, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { ORG_ROLES, type OrgRole } from '../../common/auth/principal';

export class AddMemberDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  userId!: string;

  @IsIn(ORG_ROLES)
  role!: OrgRole;
}

export class ChangeRoleDto {
  @IsIn(ORG_ROLES)
  role!: OrgRole;
}
