import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ERROR_CODES } from './error-codes';

export class ErrorDetailDto {
  @ApiPropertyOptional({ example: 'email', description: 'The offending field, as a dotted path' })
  field?: string;

  @ApiProperty({ example: 'email must be an email' })
  message!: string;

  @ApiPropertyOptional({
    example: 'org_2abc',
    description: 'LAST_ADMIN: an organization that would be left without an admin',
  })
  organizationId?: string;
}

/** The body of every error response. */
export class ErrorResponseDto {
  @ApiProperty({ enum: ERROR_CODES, example: 'VALIDATION_FAILED' })
  error!: string;

  @ApiProperty({ example: 'Request validation failed' })
  message!: string;

  @ApiPropertyOptional({ type: [ErrorDetailDto] })
  details?: ErrorDetailDto[];
}
