import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError, ErrorDetail } from './domain-error';
import { describeError, isDatabaseUnavailable } from './database-errors';
import { ERROR_STATUS, ErrorCode } from './error-codes';

interface ErrorBody {
  error: ErrorCode;
  message: string;
  details?: ErrorDetail[];
}

/** Errors raised by body-parser before any route runs carry a `type`. */
const BODY_PARSER_ERRORS: Record<string, Omit<ErrorBody, 'details'>> = {
  'entity.parse.failed': { error: 'MALFORMED_JSON', message: 'The request body is not valid JSON' },
  'entity.too.large': { error: 'PAYLOAD_TOO_LARGE', message: 'The request body exceeds 1 MiB' },
  'charset.unsupported': {
    error: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'Unsupported request body charset',
  },
  'encoding.unsupported': {
    error: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'Unsupported request body encoding',
  },
};

const STATUS_CODES: Partial<Record<number, ErrorCode>> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
};

/**
 * The one place where failures become HTTP answers in the API's `{ error, message,
 * details? }` shape. Unexpected errors are logged (without SQL text) and answered 500.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Exceptions');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const body = this.toBody(exception);
    if (response.headersSent) return;
    response.status(ERROR_STATUS[body.error]).json(body);
  }

  private toBody(exception: unknown): ErrorBody {
    const domainError = asDomainError(exception);
    if (domainError) {
      return {
        error: domainError.code,
        message: domainError.message,
        details: domainError.details,
      };
    }
    const parserError = BODY_PARSER_ERRORS[bodyParserErrorType(exception)];
    if (parserError) return parserError;
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code = STATUS_CODES[status];
      if (code) return { error: code, message: httpMessage(exception, status) };
    }
    if (isDatabaseUnavailable(exception)) {
      this.logger.warn({ msg: 'Database unavailable', err: describeError(exception) });
      return {
        error: 'DATABASE_UNAVAILABLE',
        message: 'The database is not reachable; try again shortly',
      };
    }
    this.logger.error({ msg: 'Unhandled error', err: describeError(exception) });
    return { error: 'INTERNAL_ERROR', message: 'An unexpected error occurred' };
  }
}

/**
 * A DomainError thrown inside an Express middleware hook (the JSON parser's shape check) comes
 * back wrapped by Nest's Express adapter, with the original as `cause`.
 */
function asDomainError(exception: unknown): DomainError | undefined {
  if (exception instanceof DomainError) return exception;
  const cause = (exception as { cause?: unknown } | undefined)?.cause;
  return cause instanceof DomainError ? cause : undefined;
}

/** body-parser's error type; Nest's Express adapter wraps the error and keeps it as `cause`. */
function bodyParserErrorType(exception: unknown): string {
  const error = exception as { type?: unknown; cause?: { type?: unknown } } | undefined;
  const type = error?.type ?? error?.cause?.type;
  return typeof type === 'string' ? type : '';
}

function httpMessage(exception: HttpException, status: number): string {
  if (status === 404) return 'No such route';
  if (status === 429) return 'Too many requests; slow down';
  const response = exception.getResponse();
  const message =
    typeof response === 'string' ? response : (response as { message?: unknown }).message;
  return typeof message === 'string' ? message : exception.message;
}
