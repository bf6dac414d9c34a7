import { relations, sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { generateShortId } from '../common/ids/short-id';

// Millisecond precision matches JavaScript dates, so a (createdAt, id) cursor round-trips exactly.
const timestamptz = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

/**
 * Clerk's own version of a row it mirrors (its `updated_at`), kept apart from `updatedAt` so a
 * local edit never makes a later Clerk event look old. Null: Clerk has never described the row.
 */
const clerkVersion = { clerkUpdatedAt: timestamptz('clerk_updated_at') };

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
    ...clerkVersion,
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
    ...clerkVersion,
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
    ...clerkVersion,
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
 * Every webhook delivery received, GitHub's and Clerk's: stored with its status when it arrives
 * (in the transaction that also queues its job), then applied by a worker. The unique indexes
 * make a repeated delivery id, or the same body under another id, a duplicate.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: text('id')
      .primaryKey()
      .$defaultFn(() => generateShortId('whd')),
    source: text('source').notNull(), // github, clerk
    deliveryId: text('delivery_id').notNull(),
    // Clerk's type (user.created) or GitHub's event and action (installation.deleted).
    event: text('event').notNull(),
    status: text('status').notNull(), // queued, applied, failed, ignored, duplicate
    // GitHub deliveries name their installation; one nobody has linked waits for the link.
    installationId: text('installation_id'),
    waitingForLink: boolean('waiting_for_link').notNull().default(false),
    // The signed bytes as received, applied from here (null for a duplicate: kept once).
    body: text('body'),
    bodySha256: text('body_sha256').notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    receivedAt: timestamptz('received_at').notNull().defaultNow(),
    appliedAt: timestamptz('applied_at'),
    nextAttemptAt: timestamptz('next_attempt_at'),
    ...lifecycle,
  },
  (t) => [
    uniqueIndex('webhook_deliveries_source_delivery_id_uq').on(t.source, t.deliveryId),
    uniqueIndex('webhook_deliveries_source_body_sha256_uq')
      .on(t.source, t.bodySha256)
      .where(sql`${t.status} <> 'duplicate'`),
    index('webhook_deliveries_received_at_id_idx').on(t.receivedAt, t.id),
    index('webhook_deliveries_waiting_installation_idx')
      .on(t.installationId, t.receivedAt)
      .where(sql`${t.waitingForLink}`),
    // The backlog read at each metrics scrape: its cost follows the queue, not the history.
    index('webhook_deliveries_unsettled_idx')
      .on(t.source, t.status, t.receivedAt)
      .where(sql`${t.status} in ('queued', 'failed')`),
  ],
);

/**
 * The `state` of an install URL: proof, when GitHub sends the browser back, that this caller
 * started linking an installation to this organization. Only its SHA-256 is stored; single use.
 */
export const githubLinkStates = pgTable(
  'github_link_states',
  {
    stateHash: text('state_hash').primaryKey(),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    expiresAt: timestamptz('expires_at').notNull(),
    usedAt: timestamptz('used_at'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [index('github_link_states_expires_at_idx').on(t.expiresAt)],
);

/** An organization admin's invitation of an email address to join with a role. */
export const invitations = pgTable(
  'invitations',
  {
    id: text('id')
      .primaryKey()
      .$defaultFn(() => generateShortId('inv')),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id),
    email: text('email').notNull(),
    role: text('role').notNull(), // admin, member
    status: text('status').notNull().default('pending'), // pending, accepted, declined, revoked, expired
    invitedBy: text('invited_by').references(() => users.id),
    expiresAt: timestamptz('expires_at').notNull(),
    // When it was accepted, declined or revoked.
    respondedAt: timestamptz('responded_at'),
    // The membership an acceptance created.
    memberId: text('member_id').references(() => organizationMembers.id),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('invitations_org_created_at_id_idx').on(t.organizationId, t.createdAt, t.id),
    // One pending invitation per organization and address, whatever its case.
    uniqueIndex('invitations_pending_org_email_uq')
      .on(t.organizationId, sql`lower(${t.email})`)
      .where(sql`${t.status} = 'pending'`),
    index('invitations_pending_email_idx')
      .on(sql`lower(${t.email})`, t.createdAt, t.id)
      .where(sql`${t.status} = 'pending'`),
  ],
);

/**
 * Every change to an organization, written in the transaction of the change. Append-only: a
 * trigger (migration 0004) makes UPDATE, DELETE and TRUNCATE fail, so there is no soft delete.
 * `seq` orders events, also the several written by one transaction (whose `now()` is the same).
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: text('id')
      .primaryKey()
      .$defaultFn(() => generateShortId('aud')),
    seq: bigint('seq', { mode: 'bigint' }).notNull().generatedAlwaysAsIdentity(),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id),
    actorId: text('actor_id'), // the user, or null for Clerk, GitHub and the system
    actorType: text('actor_type').notNull(), // user, clerk, github, system
    action: text('action').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id').notNull(),
    data: jsonb('data').notNull().default({}),
    requestId: text('request_id'),
    createdAt: timestamptz('created_at')
      .notNull()
      .default(sql`clock_timestamp()`),
  },
  (t) => [
    index('audit_events_org_seq_idx').on(t.organizationId, t.seq),
    index('audit_events_org_action_seq_idx').on(t.organizationId, t.action, t.seq),
    index('audit_events_org_actor_seq_idx').on(t.organizationId, t.actorId, t.seq),
  ],
);

/**
 * A reconciliation run: the mirror compared with Clerk and GitHub, and repaired (or, dry, only
 * reported). Counts grow while it runs. The partial unique index lets one run at a time be
 * `running`, across every instance; `heartbeatAt` moves with each batch, so a run whose process
 * died is recognised by its age and taken over.
 */
export const reconciliationRuns = pgTable(
  'reconciliation_runs',
  {
    id: text('id')
      .primaryKey()
      .$defaultFn(() => generateShortId('rec')),
    status: text('status').notNull(), // running, succeeded, failed
    dryRun: boolean('dry_run').notNull().default(false),
    trigger: text('trigger').notNull(), // request, schedule
    counts: jsonb('counts').notNull(),
    errors: jsonb('errors').notNull().default([]),
    startedAt: timestamptz('started_at').notNull().defaultNow(),
    finishedAt: timestamptz('finished_at'),
    heartbeatAt: timestamptz('heartbeat_at').notNull().defaultNow(),
  },
  (t) => [
    index('reconciliation_runs_started_at_id_idx').on(t.startedAt, t.id),
    uniqueIndex('reconciliation_runs_one_running_uq')
      .on(t.status)
      .where(sql`${t.status} = 'running'`),
  ],
);

// generate:module tables (npm run generate:module adds a table above this line)

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
export type GithubLinkState = typeof githubLinkStates.$inferSelect;
export type Invitation = typeof invitations.$inferSelect;
export type AuditEvent = typeof auditEvents.$inferSelect;
export type NewAuditEvent = typeof auditEvents.$inferInsert;
export type ReconciliationRun = typeof reconciliationRuns.$inferSelect;
// generate:module types
