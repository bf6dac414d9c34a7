import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ERROR_STATUS, ErrorCode } from '../errors/error-codes';
import { ErrorResponseDto } from '../errors/error-response.dto';

/** Documents the error codes a route can answer, grouped by status, with the error schema. */
export function ApiErrors(...codes: ErrorCode[]) {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
  }
  return applyDecorators(
    ...[...byStatus].map(([status, list]) =>
      ApiResponse({ status, type: ErrorResponseDto, description: list.join(', ') }),
    ),
  );
}

/** Errors every authenticated route can answer. */
export const AUTH_ERRORS: ErrorCode[] = ['UNAUTHENTICATED', 'USER_NOT_PROVISIONED'];
