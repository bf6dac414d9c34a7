import { IsBoolean } from 'class-validator';
import { OptionalField } from '../../common/http/optional-field';
import { BooleanQuery } from '../../common/http/boolean-query';
import { PaginationQueryDto } from '../../common/pagination/pagination-query.dto';
import { EmailField } from './user-fields';

export class ListUsersQueryDto extends PaginationQueryDto {
  /** Exact email, case-insensitive. */
  @OptionalField()
  @EmailField()
  email?: string;

  /** Platform admins only: include soft-deleted users. */
  @OptionalField()
  @BooleanQuery()
  @IsBoolean()
  includeDeleted?: boolean;
}
