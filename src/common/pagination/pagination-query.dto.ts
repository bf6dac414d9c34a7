import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { OptionalField } from '../http/optional-field';
import type { PageRequest } from './page';

export class PaginationQueryDto implements PageRequest {
  /** Page size, 1..100. */
  @OptionalField()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  // Optional to clients (the default applies); always set once validated, hence no `?`.
  @ApiPropertyOptional({ default: 20 })
  limit: number = 20;

  /** Opaque: the `nextCursor` of the previous page. */
  @OptionalField()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}
