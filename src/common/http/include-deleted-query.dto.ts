import { IsBoolean, IsOptional } from 'class-validator';
import { BooleanQuery } from './boolean-query';

export class IncludeDeletedQueryDto {
  /** Platform admins only: also find a soft-deleted row. */
  @IsOptional()
  @BooleanQuery()
  @IsBoolean()
  includeDeleted?: boolean;
}
