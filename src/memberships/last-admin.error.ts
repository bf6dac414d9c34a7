import { DomainError, ErrorDetail } from '../common/errors/domain-error';

export class LastAdminError extends DomainError {
  constructor(message = 'An organization must keep at least one admin', details?: ErrorDetail[]) {
    super('LAST_ADMIN', message, details);
  }
}
