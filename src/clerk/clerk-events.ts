import { z } from 'zod';
import type { OrgRole } from '../common/auth/principal';
import { PATH_ID } from '../common/ids/path-id';
import type { MirroredUser } from '../users/user-mirror.service';
import { DeliveryReading, eventName, schemaMismatch } from '../webhooks/delivery-reading';

/**
 * The parts of Clerk's webhook payloads this service reads, as schemas: a payload that does not
 * fit is rejected whole (nothing applied). Other fields are allowed and dropped.
 */
const clerkId = z
  .string()
  .regex(PATH_ID, 'must be a Clerk id (letters, digits, _ or -, at most 128)');
/** Milliseconds since the epoch, as Clerk sends every timestamp; years 1970–9999. */
const millis = z.number().int().min(0).max(253402300799999);
const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((value) => !value.includes('\u0000'), 'must not contain NUL');
const name = text(200).nullable();
/** Clerk names the kind of object in `object`; when present it must be the expected one. */
const objectOf = (kind: string) =>
  z.literal(kind, { error: `must be "${kind}" for this event type` }).optional();

const user = z.object({
  object: objectOf('user'),
  id: clerkId,
  email_addresses: z.array(z.object({ id: z.string(), email_address: text(320) })).max(100),
  primary_email_address_id: z.string().nullable(),
  first_name: name,
  last_name: name,
  image_url: text(2048).nullable(),
  created_at: millis,
  updated_at: millis,
});

const deleted = (kind: string) => z.object({ object: objectOf(kind), id: clerkId });

const organization = z.object({
  object: objectOf('organization'),
  id: clerkId,
  name: text(200).min(1),
  created_at: millis,
  updated_at: millis,
});

const membership = z.object({
  object: objectOf('organization_membership'),
  role: text(128),
  created_at: millis,
  updated_at: millis,
  organization,
  public_user_data: z.object({
    user_id: clerkId,
    identifier: text(320).nullable(),
    first_name: name,
    last_name: name,
    image_url: text(2048).nullable(),
  }),
});

const event = <T extends string, D extends z.ZodType>(type: T, data: D) =>
  z.object({ type: z.literal(type), timestamp: millis, data });

const SCHEMAS = {
  'user.created': event('user.created', user),
  'user.updated': event('user.updated', user),
  'user.deleted': event('user.deleted', deleted('user')),
  'organization.created': event('organization.created', organization),
  'organization.updated': event('organization.updated', organization),
  'organization.deleted': event('organization.deleted', deleted('organization')),
  'organizationMembership.created': event('organizationMembership.created', membership),
  'organizationMembership.updated': event('organizationMembership.updated', membership),
  'organizationMembership.deleted': event('organizationMembership.deleted', membership),
};

type ClerkEventType = keyof typeof SCHEMAS;
export type ClerkEvent = { [K in ClerkEventType]: z.infer<(typeof SCHEMAS)[K]> }[ClerkEventType];
export type ClerkUser = z.infer<typeof user>;
export type ClerkOrganization = z.infer<typeof organization>;
export type ClerkMembership = z.infer<typeof membership>;

const envelope = z.object({ type: z.string().min(1), data: z.object({}) });

/** A signed Clerk body read against the schema of its `type`. */
export function readClerkDelivery(body: string): DeliveryReading<ClerkEvent> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { kind: 'rejected', event: 'unknown', reason: 'The body is not JSON' };
  }
  const type = eventName((parsed as { type?: unknown } | null)?.type) ?? 'unknown';
  const outer = envelope.safeParse(parsed);
  if (!outer.success) return { kind: 'rejected', event: type, reason: schemaMismatch(outer.error) };
  if (!(type in SCHEMAS)) return { kind: 'ignored', event: type };
  const result = SCHEMAS[type as ClerkEventType].safeParse(parsed);
  if (!result.success) {
    return { kind: 'rejected', event: type, reason: schemaMismatch(result.error) };
  }
  return { kind: 'valid', event: type, payload: result.data };
}

/** The user's primary email address; Clerk lists every address and names the primary one. */
export function userFromClerk(data: ClerkUser): MirroredUser {
  const primary =
    data.email_addresses.find((address) => address.id === data.primary_email_address_id) ??
    data.email_addresses[0];
  return {
    id: data.id,
    email: primary?.email_address ?? '',
    firstName: data.first_name ?? '',
    lastName: data.last_name ?? '',
    photoUrl: data.image_url ?? '',
  };
}

export function userFromMembership(data: ClerkMembership): MirroredUser {
  const user = data.public_user_data;
  return {
    id: user.user_id,
    email: user.identifier ?? '',
    firstName: user.first_name ?? '',
    lastName: user.last_name ?? '',
    photoUrl: user.image_url ?? '',
  };
}

/** `org:admin` → admin; every other Clerk role is a plain member here. */
export function roleFromClerk(role: string): OrgRole {
  return role === 'org:admin' || role === 'admin' ? 'admin' : 'member';
}

export const fromMillis = (ms: number) => new Date(ms);
