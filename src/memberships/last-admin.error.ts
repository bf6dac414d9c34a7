import { DomainError } from '../common/errors/domain-error';

export class LastAdminError extends DomainError {
  constructor() {
    super('LAST_ADMIN', 'An organization must keep at least one admin');
  }
}
