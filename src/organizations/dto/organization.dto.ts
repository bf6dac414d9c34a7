import { IsIn, IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
import { IsBoolean } from 'class-validator';
import { OptionalField } from '../../common/http/optional-field';
import { BooleanQuery } from '../../common/http/boolean-query';
import { PageOf } from '../../common/pagination/page.dto';
import { PaginationQueryDto } from '../../common/pagination/pagination-query.dto';
import type { Organization } from '../../db/schema';

export const PLANS = ['FREE', 'PRO', 'ENTERPRISE'] as const;
export type Plan = (typeof PLANS)[number];

export class OrganizationResponseDto {
  id!: string;
  name!: string;
  /** FREE, PRO or ENTERPRISE. */
  plan!: string;
  deleted!: boolean;
  deletedAt!: Date | null;
  createdAt!: Date;
  updatedAt!: Date;

  static from(org: Organization): OrganizationResponseDto {
    return {
      id: org.id,
      name: org.name,
      plan: org.plan,
      deleted: org.deleted,
      deletedAt: org.deletedAt,
      createdAt: org.createdAt,
      updatedAt: org.updatedAt,
    };
  }
}

export class OrganizationPageDto extends PageOf(OrganizationResponseDto) {}

export class CreateOrganizationDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  /** Platform admins only, unless FREE. */
  @OptionalField()
  @IsIn(PLANS)
  plan?: Plan;

  /** Platform admins only: e.g. the Clerk organization id. Made here (`org_…`) when absent. */
  @OptionalField()
  @IsString()
  @MaxLength(128)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'id may contain letters, digits, _ and - only' })
  id?: string;
}

export class UpdateOrganizationDto {
  /** Organization admins. */
  @OptionalField()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  /** Platform admins only. */
  @OptionalField()
  @IsIn(PLANS)
  plan?: Plan;
}

export class ListOrganizationsQueryDto extends PaginationQueryDto {
  /** Platform admins only: every organization, not just yours. */
  @OptionalField()
  @BooleanQuery()
  @IsBoolean()
  all?: boolean;

  /** Platform admins only, with `all=true`: include soft-deleted organizations. */
  @OptionalField()
  @BooleanQuery()
  @IsBoolean()
  includeDeleted?: boolean;
}
