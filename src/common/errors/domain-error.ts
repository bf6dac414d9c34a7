import type { ErrorCode } from './error-codes';

export interface ErrorDetail {
  field?: string;
  message: string;
  [key: string]: unknown;
}

/** An answer names at most this many problems, however many the input has. */
export const MAX_ERROR_DETAILS = 20;

/**
 * An expected failure with a stable code. Services throw these (never HTTP exceptions); the
 * global filter turns the code into a status.
 */
export class DomainError extends Error {
  readonly details?: ErrorDetail[];

  constructor(
    readonly code: ErrorCode,
    message: string,
    details?: ErrorDetail[],
  ) {
    super(message);
    this.name = new.target.name;
    this.details = details?.slice(0, MAX_ERROR_DETAILS);
  }
}

/** USER, ORGANIZATION, …: every `<ENTITY>_NOT_FOUND` code in error-codes.ts names one. */
export type NotFoundEntity =
  Extract<ErrorCode, `${string}_NOT_FOUND`> extends infer C
    ? C extends `${infer E}_NOT_FOUND`
      ? E
      : never
    : never;

export class NotFoundError extends DomainError {
  constructor(entity: NotFoundEntity, message = `${entity.toLowerCase()} not found`) {
    super(`${entity}_NOT_FOUND`, capitalize(message));
  }
}

export class ValidationFailedError extends DomainError {
  constructor(details: ErrorDetail[], message = 'Request validation failed') {
    super('VALIDATION_FAILED', message, details);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = 'You are not allowed to do this') {
    super('FORBIDDEN', message);
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(message = 'A valid session token is required') {
    super('UNAUTHENTICATED', message);
  }
}

export class RateLimitedError extends DomainError {
  constructor() {
    super('RATE_LIMITED', 'Too many requests; slow down');
  }
}

export class DatabaseUnavailableError extends DomainError {
  constructor(details?: ErrorDetail[]) {
    super('DATABASE_UNAVAILABLE', 'The database is not reachable; try again shortly', details);
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
