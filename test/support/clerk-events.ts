import { randomUUID } from 'node:crypto';
import { Webhook } from 'svix';

/** Clerk webhook payloads in Clerk's shapes (as its dashboard's examples show them). */
export const CLERK_SECRET = `whsec_${Buffer.from('clerk-test-signing-secret').toString('base64')}`;

const base = (type: string, data: object, timestamp = Date.now()) => ({
  data,
  event_attributes: { http_request: { client_ip: '192.0.2.1', user_agent: 'Mozilla/5.0' } },
  instance_id: 'ins_2abc',
  object: 'event',
  timestamp,
  type,
});

export function userEvent(
  type: 'user.created' | 'user.updated',
  user: {
    id: string;
    email?: string;
    firstName?: string | null;
    lastName?: string | null;
    updatedAt: number;
  },
) {
  return base(type, {
    backup_code_enabled: false,
    banned: false,
    create_organization_enabled: true,
    created_at: 1654012591514,
    delete_self_enabled: true,
    email_addresses: [
      {
        email_address: `secondary-${user.id}@example.org`,
        id: 'idn_secondary',
        linked_to: [],
        object: 'email_address',
        verification: { status: 'verified', strategy: 'email_code' },
      },
      {
        email_address: user.email ?? `${user.id}@example.org`,
        id: 'idn_primary',
        linked_to: [],
        object: 'email_address',
        verification: { status: 'verified', strategy: 'ticket' },
      },
    ],
    external_accounts: [],
    external_id: null,
    first_name: user.firstName === undefined ? 'Example' : user.firstName,
    has_image: true,
    id: user.id,
    image_url: 'https://img.clerk.com/xxxxxx',
    last_name: user.lastName === undefined ? 'Example' : user.lastName,
    last_sign_in_at: 1654012591514,
    locked: false,
    object: 'user',
    password_enabled: true,
    phone_numbers: [],
    primary_email_address_id: 'idn_primary',
    primary_phone_number_id: null,
    primary_web3_wallet_id: null,
    private_metadata: {},
    profile_image_url: 'https://www.gravatar.com/avatar?d=mp',
    public_metadata: {},
    two_factor_enabled: false,
    unsafe_metadata: {},
    updated_at: user.updatedAt,
    username: null,
    web3_wallets: [],
  });
}

export const userDeleted = (id: string, timestamp = Date.now()) =>
  base('user.deleted', { deleted: true, id, object: 'user' }, timestamp);

export function organizationJson(org: { id: string; name: string; updatedAt: number }) {
  return {
    admin_delete_enabled: true,
    created_at: 1654013202977,
    created_by: 'user_1vq84bqWzw7qmFgqSwN4CH1Wp0n',
    has_image: false,
    id: org.id,
    image_url: 'https://img.clerk.com/xxxxxx',
    logo_url: null,
    max_allowed_memberships: 5,
    name: org.name,
    object: 'organization',
    private_metadata: {},
    public_metadata: {},
    slug: org.name.toLowerCase().replace(/\W+/g, '-'),
    updated_at: org.updatedAt,
  };
}

export const organizationEvent = (
  type: 'organization.created' | 'organization.updated',
  org: { id: string; name: string; updatedAt: number },
) => base(type, organizationJson(org));

export const organizationDeleted = (id: string, timestamp = Date.now()) =>
  base('organization.deleted', { deleted: true, id, object: 'organization' }, timestamp);

export function membershipEvent(
  type:
    | 'organizationMembership.created'
    | 'organizationMembership.updated'
    | 'organizationMembership.deleted',
  m: {
    org: { id: string; name: string; updatedAt: number };
    userId: string;
    role: 'org:admin' | 'org:member';
    updatedAt: number;
    firstName?: string | null;
  },
) {
  return base(type, {
    created_at: 1654013203217,
    id: `orgmem_${m.org.id}_${m.userId}`,
    object: 'organization_membership',
    organization: organizationJson(m.org),
    permissions: [],
    public_metadata: {},
    public_user_data: {
      first_name: m.firstName === undefined ? 'Example' : m.firstName,
      has_image: false,
      identifier: `${m.userId}@example.org`,
      image_url: 'https://img.clerk.com/xxxxxx',
      last_name: null,
      profile_image_url: 'https://www.gravatar.com/avatar?d=mp',
      user_id: m.userId,
    },
    role: m.role,
    updated_at: m.updatedAt,
  });
}

/** svix headers for `body`, signed with the test secret (or another one). */
export function signClerk(
  body: string,
  options: { id?: string; at?: Date; secret?: string } = {},
): Record<string, string> {
  const id = options.id ?? `msg_${randomUUID()}`;
  const at = options.at ?? new Date();
  const signature = new Webhook(options.secret ?? CLERK_SECRET).sign(id, at, body);
  return {
    'svix-id': id,
    'svix-timestamp': String(Math.floor(at.getTime() / 1000)),
    'svix-signature': signature,
    'content-type': 'application/json',
  };
}
