import { IsBoolean } from 'class-validator';
import { OptionalField } from './optional-field';
import { BooleanQuery } from './boolean-query';

export class IncludeDeletedQueryDto {
  /** Platform admins only: also find a soft-deleted row. */
  @OptionalField()
  @BooleanQuery()
  @IsBoolean()
  includeDeleted?: boolean;
}
