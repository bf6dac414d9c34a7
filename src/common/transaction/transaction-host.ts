import type { TransactionalAdapterDrizzleOrm } from '@nestjs-cls/transactional-adapter-drizzle-orm';
import type { Database } from '../../db/database';

/**
 * Repositories inject `TransactionHost<DrizzleAdapter>` (by class, so it stays a singleton) and
 * read `txHost.tx`: the current request's transaction, or the root instance outside one.
 */
export type DrizzleAdapter = TransactionalAdapterDrizzleOrm<Database>;
