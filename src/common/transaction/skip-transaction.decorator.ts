import { SetMetadata } from '@nestjs/common';

export const SKIP_TRANSACTION = 'skipTransaction';

/** For handlers that must not touch the database at all (liveness, docs). */
export const SkipTransaction = () => SetMetadata(SKIP_TRANSACTION, true);
