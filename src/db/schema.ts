import { relations, sql } from 'drizzle-orm';
import { boolean, index, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { generateShortId } from '../common/ids/short-id';

// Millisecond precision matches JavaScript dates, so a (createdAt, id) cursor round-trips exactly.
const timestamptz = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

/** Soft delete and audit columns carried by every table. */
const lifecycle = {
  deleted: boolean('deleted').notNull().default(false),
  deletedAt: timestamptz('deleted_at'),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  updatedAt: timestamptz('updated_at').notNull().defaultNow(),
};

export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey(), // Clerk user id
    email: text('email').notNull(),
    isAdmin: boolean('is_admin').notNull().default(false),
    firstName: text('first_name').notNull(),
    lastName: text('last_name').notNull(),
    photoUrl: text('photo_url').notNull(),
    ...lifecycle,
  },
  (t) => [
    index('users_created_at_id_idx').on(t.createdAt, t.id),
    index('users_email_lower_idx').on(sql`lower(${t.email})`),
  ],
);

export const organizations = pgTable(
  'organizations',
  {
    id: text('id').primaryKey(), // Clerk organization id, or org_… when made here
    name: text('company').notNull(),
    plan: text('plan').notNull(), // FREE, PRO, ENTERPRISE
    ...lifecycle,
  },
  (t) => [index('organizations_created_at_id_idx').on(t.createdAt, t.id)],
);

export const organizationMembers = pgTable(
  'organization_members',
  {
    id: text('id')
      .primaryKey()
      .$defaultFn(() => generateShortId('org_mem')),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    role: text('role').notNull(), // admin, member
    ...lifecycle,
  },
  (t) => [
    // Serves the foreign key and the members list order (createdAt, id) within an organization.
    index('organization_members_org_created_at_id_idx').on(t.organizationId, t.createdAt, t.id),
    index('organization_members_user_id_idx').on(t.userId),
    // A user is an active member of an organization at most once; one who left can rejoin.
    uniqueIndex('organization_members_active_org_user_uq')
      .on(t.organizationId, t.userId)
      .where(sql`${t.deleted} = false`),
  ],
);

export const githubInstallations = pgTable(
  'github_installations',
  {
    id: text('id').primaryKey(), // GitHub installation id
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id),
    // Set while GitHub reports the installation suspended; its repositories stay listed.
    suspendedAt: timestamptz('suspended_at'),
    ...lifecycle,
  },
  (t) => [
    index('github_installations_org_created_at_id_idx').on(t.organizationId, t.createdAt, t.id),
  ],
);

export const githubInstallationRepositories = pgTable(
  'github_installation_repositories',
  {
    id: text('id').primaryKey(), // GitHub repository id
    installationId: text('installation_id')
      .notNull()
      .references(() => githubInstallations.id),
    name: text('name').notNull(), // GitHub full_name, owner/repo
    ...lifecycle,
  },
  (t) => [
    index('github_installation_repositories_installation_created_at_id_idx').on(
      t.installationId,
      t.createdAt,
      t.id,
    ),
  ],
);

/**
 * Every webhook delivery received, GitHub's and Clerk's: the inbox that makes a repeated
 * delivery id a no-op, written in the same transaction as the delivery's effect.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: text('id')
      .primaryKey()
      .$defaultFn(() => generateShortId('whd')),
    source: text('source').notNull(), // github, clerk
    deliveryId: text('delivery_id').notNull(),
    event: text('event').notNull(),
    action: text('action'),
    // GitHub deliveries for an installation nobody has linked wait here until it is linked.
    installationId: text('installation_id'),
    payload: jsonb('payload').notNull(),
    receivedAt: timestamptz('received_at').notNull().defaultNow(),
    appliedAt: timestamptz('applied_at'),
    error: text('error'),
    ...lifecycle,
  },
  (t) => [
    uniqueIndex('webhook_deliveries_source_delivery_id_uq').on(t.source, t.deliveryId),
    index('webhook_deliveries_pending_installation_idx')
      .on(t.installationId, t.receivedAt)
      .where(sql`${t.appliedAt} is null`),
  ],
);

export const usersRelations = relations(users, ({ many }) => ({
  organizations: many(organizationMembers),
}));

export const organizationRelations = relations(organizations, ({ many }) => ({
  members: many(organizationMembers),
  githubInstallations: many(githubInstallations),
}));

export const organizationMemberRelations = relations(organizationMembers, ({ one }) => ({
  organization: one(organizations, {
    fields: [organizationMembers.organizationId],
    references: [organizations.id],
  }),
  user: one(users, {
    fields: [organizationMembers.userId],
    references: [users.id],
  }),
}));

export const githubInstallationRelations = relations(githubInstallations, ({ one, many }) => ({
  organization: one(organizations, {
    fields: [githubInstallations.organizationId],
    references: [organizations.id],
  }),
  repositories: many(githubInstallationRepositories),
}));

export const githubInstallationRepositoryRelations = relations(
  githubInstallationRepositories,
  ({ one }) => ({
    installation: one(githubInstallations, {
      fields: [githubInstallationRepositories.installationId],
      references: [githubInstallations.id],
    }),
  }),
);

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
export type Organization = typeof organizations.$inferSelect;
export type NewOrganization = typeof organizations.$inferInsert;
export type OrganizationMember = typeof organizationMembers.$inferSelect;
export type GithubInstallation = typeof githubInstallations.$inferSelect;
export type GithubInstallationRepository = typeof githubInstallationRepositories.$inferSelect;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
