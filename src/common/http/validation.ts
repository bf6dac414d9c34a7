import { ValidationError, ValidationPipe } from '@nestjs/common';
import { ErrorDetail, MAX_ERROR_DETAILS, ValidationFailedError } from '../errors/domain-error';

// Nesting is bounded by the JSON body's depth limit (json-shape.ts), so recursion is safe here.
function flatten(errors: ValidationError[], parent = ''): ErrorDetail[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

function validationFailed(errors: ValidationError[]): ValidationFailedError {
  const details = flatten(errors);
  const message =
    details.length > MAX_ERROR_DETAILS
      ? `Request validation failed: ${details.length} problems, the first ${MAX_ERROR_DETAILS} listed`
      : undefined;
  return new ValidationFailedError(details, message);
}

/** Whitelisting validation for every body, query and param; unknown fields are refused. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    validationError: { target: false, value: false },
    exceptionFactory: validationFailed,
  });
}
