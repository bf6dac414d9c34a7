import { Body, Controller, Get, Module, Post, Req } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { sql } from 'drizzle-orm';
import type { Request } from 'express';
import { Public } from '../../src/common/auth/public.decorator';
import type { DrizzleAdapter } from '../../src/common/transaction/transaction-host';
import { users } from '../../src/db/schema';

/** Deferred until COMMIT, so the handler succeeds and the commit itself fails. */
export const DEFERRED_TABLE_SQL =
  'CREATE TABLE probe_deferred (id int, CONSTRAINT probe_deferred_uq UNIQUE (id) DEFERRABLE INITIALLY DEFERRED)';

/** Makes a request wait in its handler (inside its transaction) until a second one arrives. */
class Rendezvous {
  private waiting?: () => void;

  arrive(): Promise<void> {
    if (this.waiting) {
      this.waiting();
      this.waiting = undefined;
      return Promise.resolve();
    }
    return new Promise((resolve) => (this.waiting = resolve));
  }
}

/** Test-only routes that exercise the per-request transaction through the real pipeline. */
@Public()
@Controller('probe')
class ProbeController {
  private readonly rendezvous = new Rendezvous();

  constructor(private readonly txHost: TransactionHost<DrizzleAdapter>) {}

  private insertUser(id: string) {
    return this.txHost.tx.insert(users).values({
      id,
      email: `${id}@example.com`,
      firstName: 'Probe',
      lastName: 'User',
      photoUrl: 'https://example.com/p.png',
    });
  }

  @Post('commit')
  async commit(@Body() body: { id: string }, @Req() req: Request) {
    await this.insertUser(body.id);
    return { id: body.id, reqTxIsCurrent: req.tx === this.txHost.tx };
  }

  @Post('fail')
  async fail(@Body() body: { id: string }) {
    await this.insertUser(body.id);
    throw new Error('boom after write');
  }

  @Post('fail-on-commit')
  async failOnCommit() {
    await this.txHost.tx.execute(sql`insert into probe_deferred values (1), (1)`);
    return { ok: true };
  }

  @Post('concurrent')
  async concurrent(@Body() body: { id: string; meet?: boolean }) {
    await this.insertUser(body.id);
    if (body.meet) await this.rendezvous.arrive();
    const result = await this.txHost.tx.execute<{ txid: string; visible: string }>(
      sql`select txid_current()::text as txid, (select count(*) from users)::text as visible`,
    );
    const row = (result as { rows: { txid: string; visible: string }[] }).rows[0];
    return { id: body.id, txid: row.txid, visibleUsers: Number(row.visible) };
  }

  @Get('no-tx-leak')
  async outside() {
    const result = await this.txHost.tx.execute(sql`select count(*)::int as n from users`);
    return (result as { rows: unknown[] }).rows[0];
  }
}

@Module({ controllers: [ProbeController] })
export class ProbeModule {}
