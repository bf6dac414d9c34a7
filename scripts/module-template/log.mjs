// Kind `log`: an append-only, newest-first record that other modules write into inside their
// own transaction (like src/audit/): no update, no delete (a trigger refuses both), ordered by
// a sequence so entries written in one transaction keep their order. `n`: see names.mjs.
export const description =
  'an append-only, newest-first log other modules write to: Service.record() in their transaction, GET (list, newest first); UPDATE/DELETE refused by a trigger';

export function templates(n) {
  const route = `organizations/:orgId/${n.plural}`;
  return {
    notFoundCode: false,
    table: `/** Append-only: a trigger refuses UPDATE, DELETE and TRUNCATE; \`seq\` orders entries. */
export const ${n.camelPlural} = pgTable(
  '${n.table}',
  {
    id: text('id')
      .primaryKey()
      .$defaultFn(() => generateShortId('${n.prefix}')),
    seq: bigint('seq', { mode: 'bigint' }).notNull().generatedAlwaysAsIdentity(),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id),
    actorId: text('actor_id'),
    kind: text('kind').notNull(),
    data: jsonb('data').notNull().default({}),
    // The time of the insert itself; now() would be the same for every row of a transaction.
    createdAt: timestamptz('created_at')
      .notNull()
      .default(sql\`clock_timestamp()\`),
  },
  (t) => [index('${n.table}_org_seq_idx').on(t.organizationId, t.seq)],
);
`,
    tableType: `export type ${n.Singular} = typeof ${n.camelPlural}.$inferSelect;\nexport type New${n.Singular} = typeof ${n.camelPlural}.$inferInsert;\n`,

    appendOnlySql: `-- ${n.table} is append-only, whoever connects: UPDATE, DELETE and TRUNCATE raise an error.
CREATE FUNCTION "${n.table}_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '${n.table} is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
--> statement-breakpoint
CREATE TRIGGER "${n.table}_no_update_or_delete" BEFORE UPDATE OR DELETE ON "${n.table}"
  FOR EACH ROW EXECUTE FUNCTION "${n.table}_append_only"();
--> statement-breakpoint
CREATE TRIGGER "${n.table}_no_truncate" BEFORE TRUNCATE ON "${n.table}"
  FOR EACH STATEMENT EXECUTE FUNCTION "${n.table}_append_only"();
`,

    repository: `import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { and, eq } from 'drizzle-orm';
import type { Page, PageRequest } from '../common/pagination/page';
import type { DrizzleAdapter } from '../common/transaction/transaction-host';
import { Keyset } from '../db/keyset';
import { New${n.Singular}, ${n.Singular}, ${n.camelPlural} } from '../db/schema';

/** Newest first: \`seq\` grows with every insert, also within one transaction. */
const newestFirst = new Keyset(
  [{ column: ${n.camelPlural}.seq, field: 'seq', kind: 'bigint' }],
  'newestFirst',
);

/** All of the ${n.plural} SQL. Inserts only: the table refuses UPDATE and DELETE. */
@Injectable()
export class ${n.Plural}Repository {
  constructor(private readonly txHost: TransactionHost<DrizzleAdapter>) {}

  private get db() {
    return this.txHost.tx;
  }

  async insert(entry: New${n.Singular}): Promise<void> {
    await this.db.insert(${n.camelPlural}).values(entry);
  }

  async list(
    organizationId: string,
    filter: { kind?: string },
    request: PageRequest,
  ): Promise<Page<${n.Singular}>> {
    const rows = await this.db
      .select()
      .from(${n.camelPlural})
      .where(
        and(
          eq(${n.camelPlural}.organizationId, organizationId),
          filter.kind ? eq(${n.camelPlural}.kind, filter.kind) : undefined,
          newestFirst.after(request.cursor),
        ),
      )
      .orderBy(...newestFirst.orderBy)
      .limit(request.limit + 1);
    return newestFirst.page(rows, request);
  }
}
`,

    service: `import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { ActorContext } from '../common/context/actor-context';
import type { Page, PageRequest } from '../common/pagination/page';
import type { DrizzleAdapter } from '../common/transaction/transaction-host';
import type { ${n.Singular} } from '../db/schema';
import { ${n.Plural}Repository } from './${n.plural}.repository';

export interface ${n.Singular}Record {
  organizationId: string;
  kind: string;
  data?: Record<string, unknown>;
}

/**
 * The ${n.plural} log. Other modules import ${n.Plural}Module and call \`record()\` inside the
 * transaction of the change it describes: a change that rolls back leaves no entry.
 */
@Injectable()
export class ${n.Plural}Service {
  constructor(
    private readonly ${n.camelPlural}: ${n.Plural}Repository,
    private readonly actors: ActorContext,
    private readonly txHost: TransactionHost<DrizzleAdapter>,
  ) {}

  async record(entry: ${n.Singular}Record): Promise<void> {
    if (!this.txHost.isTransactionActive()) {
      throw new Error(\`${n.plural} entry \${entry.kind} recorded outside a transaction\`);
    }
    await this.${n.camelPlural}.insert({
      organizationId: entry.organizationId,
      actorId: this.actors.current().id,
      kind: entry.kind,
      data: entry.data ?? {},
    });
  }

  list(organizationId: string, filter: { kind?: string }, request: PageRequest): Promise<Page<${n.Singular}>> {
    return this.${n.camelPlural}.list(organizationId, filter, request);
  }
}
`,

    dto: `import { IsString, Matches, MaxLength } from 'class-validator';
import { OptionalField } from '../../common/http/optional-field';
import { PageOf } from '../../common/pagination/page.dto';
import { PaginationQueryDto } from '../../common/pagination/pagination-query.dto';
import type { ${n.Singular} } from '../../db/schema';

export class ${n.Singular}ResponseDto {
  id!: string;
  organizationId!: string;
  /** The user who acted; null when the service or an integration did. */
  actorId!: string | null;
  kind!: string;
  data!: Record<string, unknown>;
  createdAt!: Date;

  static from(row: ${n.Singular}): ${n.Singular}ResponseDto {
    return {
      id: row.id,
      organizationId: row.organizationId,
      actorId: row.actorId,
      kind: row.kind,
      data: row.data as Record<string, unknown>,
      createdAt: row.createdAt,
    };
  }
}

export class ${n.Singular}PageDto extends PageOf(${n.Singular}ResponseDto) {}

export class List${n.Plural}QueryDto extends PaginationQueryDto {
  /** Only entries of this kind. */
  @OptionalField()
  @IsString()
  @MaxLength(64)
  @Matches(/^[a-z0-9_.]+$/, { message: 'kind may contain a-z, 0-9, _ and . only' })
  kind?: string;
}
`,

    controller: `import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { OrganizationScoped } from '../common/auth/organization-access.guard';
import { ApiErrors } from '../common/openapi/api-errors.decorator';
import { mapPage } from '../common/pagination/page';
import { List${n.Plural}QueryDto, ${n.Singular}PageDto, ${n.Singular}ResponseDto } from './dto/${n.singular}.dto';
import { ${n.Plural}Service } from './${n.plural}.service';

@ApiTags('${n.plural}')
@ApiBearerAuth('bearer')
@OrganizationScoped()
@Controller('${route}')
export class ${n.Plural}Controller {
  constructor(private readonly ${n.camelPlural}: ${n.Plural}Service) {}

  /** Newest first; entries written in one transaction keep their order. */
  @Get()
  @ApiErrors('VALIDATION_FAILED')
  async list(
    @Param('orgId') orgId: string,
    @Query() query: List${n.Plural}QueryDto,
  ): Promise<${n.Singular}PageDto> {
    return mapPage(
      await this.${n.camelPlural}.list(orgId, { kind: query.kind }, query),
      ${n.Singular}ResponseDto.from,
    );
  }
}
`,

    module: `import { Module } from '@nestjs/common';
import { ${n.Plural}Controller } from './${n.plural}.controller';
import { ${n.Plural}Repository } from './${n.plural}.repository';
import { ${n.Plural}Service } from './${n.plural}.service';

/** Other modules import this one and call ${n.Plural}Service.record() in their transaction. */
@Module({
  controllers: [${n.Plural}Controller],
  providers: [${n.Plural}Service, ${n.Plural}Repository],
  exports: [${n.Plural}Service],
})
export class ${n.Plural}Module {}
`,

    test: `import { TransactionHost } from '@nestjs-cls/transactional';
import { eq, sql } from 'drizzle-orm';
import type { DrizzleAdapter } from '../../src/common/transaction/transaction-host';
import { ${n.camelPlural} } from '../../src/db/schema';
import { ${n.Plural}Service } from '../../src/${n.plural}/${n.plural}.service';
import { makeTeam, makeUser } from '../support/factories';
import { as } from '../support/http';
import { createTestApp, TestApp } from '../support/test-app';

describe('${n.plural}', () => {
  let t: TestApp;
  let log: ${n.Plural}Service;
  let txHost: TransactionHost<DrizzleAdapter>;

  beforeAll(async () => {
    t = await createTestApp();
    log = t.app.get(${n.Plural}Service);
    txHost = t.app.get(TransactionHost);
  });
  afterAll(() => t.close());

  const url = (orgId: string) => \`/organizations/\${orgId}/${n.plural}\`;
  /** Writes entries the way another module does: in one transaction of its own. */
  const recordAll = (organizationId: string, kinds: string[]) =>
    txHost.withTransaction(async () => {
      for (const [n, kind] of kinds.entries()) await log.record({ organizationId, kind, data: { n } });
    });

  it('lists entries newest first; entries of one transaction keep their order', async () => {
    const { org, member } = await makeTeam(t.db);
    await recordAll(org.id, ['first', 'second', 'third']);
    await recordAll(org.id, ['later']);
    const res = await as(t, member.id).get(url(org.id));
    expect(res.status).toBe(200);
    expect(res.body.data.map((e: { kind: string }) => e.kind)).toEqual(['later', 'third', 'second', 'first']);
    expect(res.body.data[0]).toEqual({
      id: expect.stringMatching(/^${n.prefix}_/),
      organizationId: org.id,
      actorId: null,
      kind: 'later',
      data: { n: 0 },
      createdAt: expect.any(String),
    });
  });

  it('pages with a cursor, and filters by kind', async () => {
    const { org, member } = await makeTeam(t.db);
    await recordAll(org.id, ['a', 'b', 'a', 'b', 'a']);
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const res = await as(t, member.id).get(\`\${url(org.id)}?limit=2\${cursor ? \`&cursor=\${cursor}\` : ''}\`);
      seen.push(...res.body.data.map((e: { data: { n: number } }) => e.data.n));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([4, 3, 2, 1, 0]);
    const onlyA = await as(t, member.id).get(\`\${url(org.id)}?kind=a\`);
    expect(onlyA.body.data.map((e: { data: { n: number } }) => e.data.n)).toEqual([4, 2, 0]);
  });

  it('leaves no entry when the transaction that wrote it rolls back', async () => {
    const { org } = await makeTeam(t.db);
    await expect(
      txHost.withTransaction(async () => {
        await log.record({ organizationId: org.id, kind: 'doomed' });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    await expect(log.record({ organizationId: org.id, kind: 'loose' })).rejects.toThrow(/outside a transaction/);
    expect(await t.db.select().from(${n.camelPlural}).where(eq(${n.camelPlural}.organizationId, org.id))).toEqual([]);
  });

  it('refuses UPDATE and DELETE in the database itself', async () => {
    const { org } = await makeTeam(t.db);
    await recordAll(org.id, ['kept']);
    await expect(t.db.execute(sql\`update ${n.table} set kind = 'changed'\`)).rejects.toThrow();
    await expect(t.db.execute(sql\`delete from ${n.table}\`)).rejects.toThrow();
    const [row] = await t.db.select().from(${n.camelPlural}).where(eq(${n.camelPlural}.organizationId, org.id));
    expect(row.kind).toBe('kept');
  });

  it('keeps tenants apart: outsiders get 404, a bad kind 400', async () => {
    const { org, member } = await makeTeam(t.db);
    const outsider = await makeUser(t.db);
    const hidden = await as(t, outsider.id).get(url(org.id));
    expect(hidden.status).toBe(404);
    expect(hidden.body.error).toBe('ORGANIZATION_NOT_FOUND');
    const bad = await as(t, member.id).get(\`\${url(org.id)}?kind=DROP%20TABLE\`);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('VALIDATION_FAILED');
  });
});
`,

    matrixRows: `  {
    method: 'get',
    path: '/${route}',
    url: (w) => \`/organizations/\${w.orgId}/${n.plural}\`,
    expect: inOrg(200, 200, 200),
  },
`,
  };
}
