import { SetMetadata } from '@nestjs/common';

export const SKIP_TRANSACTION = 'skipTransaction';

/**
 * No request transaction for this handler: for those that must not touch the database at all
 * (liveness, docs), and for those that call another service over the network (GitHub) and open
 * their own short transactions with `TransactionHost.withTransaction` around the database steps,
 * so no connection is held while the other service answers.
 */
export const SkipTransaction = () => SetMetadata(SKIP_TRANSACTION, true);
