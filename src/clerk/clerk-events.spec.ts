import type { OrganizationMembershipJSON, UserJSON } from '@clerk/backend';
import { roleFromClerk, userFromClerk, userFromMembership } from './clerk-events';

describe('Clerk payload mapping', () => {
  it('takes the primary email address and turns null names into ""', () => {
    const user = userFromClerk({
      id: 'user_1',
      first_name: null,
      last_name: 'Lovelace',
      image_url: 'https://img.clerk.com/1',
      primary_email_address_id: 'idn_2',
      email_addresses: [
        { id: 'idn_1', email_address: 'old@example.com' },
        { id: 'idn_2', email_address: 'ada@example.com' },
      ],
    } as unknown as UserJSON);
    expect(user).toEqual({
      id: 'user_1',
      email: 'ada@example.com',
      firstName: '',
      lastName: 'Lovelace',
      photoUrl: 'https://img.clerk.com/1',
    });
  });

  it("builds a user from a membership's public_user_data", () => {
    const user = userFromMembership({
      public_user_data: {
        user_id: 'user_2',
        identifier: 'grace@example.com',
        first_name: 'Grace',
        last_name: null,
        image_url: 'https://img.clerk.com/2',
        has_image: true,
      },
    } as unknown as OrganizationMembershipJSON);
    expect(user).toEqual({
      id: 'user_2',
      email: 'grace@example.com',
      firstName: 'Grace',
      lastName: '',
      photoUrl: 'https://img.clerk.com/2',
    });
  });

  it('maps org:admin to admin and every other role to member', () => {
    expect(roleFromClerk('org:admin')).toBe('admin');
    expect(roleFromClerk('org:member')).toBe('member');
    expect(roleFromClerk('org:billing_manager')).toBe('member');
  });
});
