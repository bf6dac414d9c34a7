import { Module } from '@nestjs/common';
import { ClsPluginTransactional } from '@nestjs-cls/transactional';
import { TransactionalAdapterDrizzleOrm } from '@nestjs-cls/transactional-adapter-drizzle-orm';
import type { Request } from 'express';
import { ClsModule } from 'nestjs-cls';
import { DRIZZLE, DrizzleModule } from '../../db/drizzle.module';

/**
 * AsyncLocalStorage context per request (mounted as middleware, so guards already see it) and
 * the transactional plugin that lets singleton repositories read the current transaction.
 */
@Module({
  imports: [
    ClsModule.forRoot({
      global: true,
      middleware: {
        mount: true,
        generateId: true,
        idGenerator: (req: Request & { id?: string | number }) => String(req.id ?? ''),
      },
      plugins: [
        new ClsPluginTransactional({
          imports: [DrizzleModule],
          adapter: new TransactionalAdapterDrizzleOrm({
            drizzleInstanceToken: DRIZZLE,
            // Non-empty on purpose: PGlite rejects the bare SET TRANSACTION that empty options produce.
            defaultTxOptions: { isolationLevel: 'read committed' },
          }),
          enableTransactionProxy: false,
        }),
      ],
    }),
  ],
})
export class TransactionModule {}
