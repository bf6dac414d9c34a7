import { DomainError } from '../common/errors/domain-error';
import {
  assertAnswerable,
  assertPending,
  INVITATION_STATUSES,
  InvitationStatus,
} from './invitation-status';

const codeOf = (check: () => void): string | undefined => {
  try {
    check();
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    return (err as DomainError).code;
  }
};

describe('invitation status rules', () => {
  it.each<[InvitationStatus, string | undefined]>([
    ['pending', undefined],
    ['expired', 'INVITATION_EXPIRED'],
    ['accepted', 'INVITATION_NOT_PENDING'],
    ['declined', 'INVITATION_NOT_PENDING'],
    ['revoked', 'INVITATION_NOT_PENDING'],
  ])('the invitee answering a %s invitation gets %s', (status, code) => {
    expect(codeOf(() => assertAnswerable(status))).toBe(code);
  });

  it('lets an admin revoke only a pending one: expired is no longer pending', () => {
    for (const status of INVITATION_STATUSES) {
      expect(codeOf(() => assertPending(status))).toBe(
        status === 'pending' ? undefined : 'INVITATION_NOT_PENDING',
      );
    }
  });

  it('says which status the invitation has, never whose it is', () => {
    expect(() => assertAnswerable('accepted')).toThrow(
      'This invitation is accepted, no longer pending',
    );
  });
});
