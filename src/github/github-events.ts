import { isInteger, parse } from 'lossless-json';
import { z } from 'zod';
import { DeliveryReading, eventName, schemaMismatch } from '../webhooks/delivery-reading';

/**
 * The parts of GitHub's webhook payloads this service reads, as schemas per event type. GitHub
 * signs only the body, not the X-GitHub-Event header, so each schema also refuses the fields that
 * mark another event type: a signed `repository.deleted` body sent as `installation` is rejected.
 */

/** GitHub ids are integers that may exceed 2^53: parsed as bigint, kept as strings of digits. */
const githubId = z
  .bigint({ error: 'must be a GitHub id (digits)' })
  .refine(
    (id) => id > 0n && id.toString().length <= 128,
    'must be a GitHub id of at most 128 digits',
  )
  .transform((id) => id.toString());
const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((value) => !value.includes('\u0000'), 'must not contain NUL');
/** A key that belongs to another event type's payload. */
const foreign = z.undefined({ error: 'belongs to another event type' }).optional();

const repository = z.object({ id: githubId, full_name: text(256).min(1) });
const installation = z.object({ id: githubId });

const installationEvent = z.object({
  action: z.enum(['created', 'deleted', 'suspend', 'unsuspend']),
  installation,
  repositories: z.array(repository).optional(),
  repository: foreign,
  repositories_added: foreign,
  repositories_removed: foreign,
  repository_selection: foreign,
});

const installationRepositoriesEvent = z.object({
  action: z.enum(['added', 'removed']),
  installation,
  repository_selection: text(32),
  repositories_added: z.array(repository),
  repositories_removed: z.array(repository),
  repository: foreign,
  repositories: foreign,
});

const repositoryEvent = z.object({
  action: z.enum(['renamed', 'transferred', 'deleted']),
  installation,
  repository,
  repositories: foreign,
  repositories_added: foreign,
  repositories_removed: foreign,
});

/** The events and actions applied here; any other is acknowledged and ignored. */
const SCHEMAS = {
  installation: installationEvent,
  installation_repositories: installationRepositoriesEvent,
  repository: repositoryEvent,
};
const ACTIONS: Record<keyof typeof SCHEMAS, readonly string[]> = {
  installation: installationEvent.shape.action.options,
  installation_repositories: installationRepositoriesEvent.shape.action.options,
  repository: repositoryEvent.shape.action.options,
};

export type GithubEvent =
  | ({ event: 'installation' } & z.infer<typeof installationEvent>)
  | ({ event: 'installation_repositories' } & z.infer<typeof installationRepositoriesEvent>)
  | ({ event: 'repository' } & z.infer<typeof repositoryEvent>);
export type GithubRepository = z.infer<typeof repository>;

/**
 * JSON with every integer as a bigint, so ids past 2^53 keep all their digits (JSON.parse would
 * round them); other numbers stay numbers.
 */
export function parseGithubJson(body: string): unknown {
  return parse(body, undefined, (value) => (isInteger(value) ? BigInt(value) : Number(value)));
}

/** A signed GitHub body, read against the schema of the event type its header claims. */
export function readGithubDelivery(
  eventHeader: string,
  body: string,
): DeliveryReading<GithubEvent> {
  let parsed: unknown;
  try {
    parsed = parseGithubJson(body);
  } catch {
    return { kind: 'rejected', event: eventHeader, reason: 'The body is not JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { kind: 'rejected', event: eventHeader, reason: 'The body is not a JSON object' };
  }
  const action = eventName((parsed as { action?: unknown }).action);
  const event = action ? `${eventHeader}.${action}` : eventHeader;
  if (!(eventHeader in SCHEMAS)) return { kind: 'ignored', event };
  const type = eventHeader as keyof typeof SCHEMAS;
  if (!action) return { kind: 'rejected', event, reason: 'action: must be an action name' };
  if (!ACTIONS[type].includes(action)) return { kind: 'ignored', event };
  const result = SCHEMAS[type].safeParse(parsed);
  if (!result.success) return { kind: 'rejected', event, reason: schemaMismatch(result.error) };
  return {
    kind: 'valid',
    event,
    installationId: result.data.installation.id,
    payload: { event: type, ...result.data } as GithubEvent,
  };
}

export const toRef = (repo: GithubRepository) => ({ id: repo.id, name: repo.full_name });
