import { DomainError } from '../common/errors/domain-error';

export const INVITATION_STATUSES = [
  'pending',
  'accepted',
  'declined',
  'revoked',
  'expired',
] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

/** How long an invitation can be answered after it was made. */
export const INVITATION_LIFETIME_DAYS = 7;

/**
 * The invitee may accept or decline only a pending invitation that is still within its date.
 * A pending one past its date reads as `expired` (see InvitationsRepository), so both checks
 * look at the status alone.
 */
export function assertAnswerable(status: InvitationStatus): void {
  if (status === 'expired') {
    throw new DomainError('INVITATION_EXPIRED', 'This invitation has expired; ask for a new one');
  }
  assertPending(status);
}

/** Only a pending invitation can be revoked, accepted or declined. */
export function assertPending(status: InvitationStatus): void {
  if (status !== 'pending') {
    throw new DomainError(
      'INVITATION_NOT_PENDING',
      `This invitation is ${status}, no longer pending`,
    );
  }
}
