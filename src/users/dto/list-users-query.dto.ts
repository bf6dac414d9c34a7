import { IsBoolean, IsOptional } from 'class-validator';
import { BooleanQuery } from '../../common/http/boolean-query';
import { PaginationQueryDto } from '../../common/pagination/pagination-query.dto';
import { EmailField } from './user-fields';

export class ListUsersQueryDto extends PaginationQueryDto {
  /** Exact email, case-insensitive. */
  @IsOptional()
  @EmailField()
  email?: string;

  /** Platform admins only: include soft-deleted users. */
  @IsOptional()
  @BooleanQuery()
  @IsBoolean()
  includeDeleted?: boolean;
}
