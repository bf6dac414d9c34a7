// Kind `crud`: an organization-owned resource with a name: create, list oldest first, get,
// soft delete. `n` holds the name in its spellings (names.mjs).
export const description =
  'an organization-owned resource: POST, GET (list, oldest first), GET /:id, DELETE (soft)';

export function templates(n) {
  const route = `organizations/:orgId/${n.plural}`;
  return {
    notFoundCode: true,
    table: `export const ${n.camelPlural} = pgTable(
  '${n.table}',
  {
    id: text('id')
      .primaryKey()
      .$defaultFn(() => generateShortId('${n.prefix}')),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id),
    name: text('name').notNull(),
    ...lifecycle,
  },
  (t) => [index('${n.table}_org_created_at_id_idx').on(t.organizationId, t.createdAt, t.id)],
);
`,
    tableType: `export type ${n.Singular} = typeof ${n.camelPlural}.$inferSelect;\n`,

    repository: `import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { and, eq } from 'drizzle-orm';
import type { Page, PageRequest } from '../common/pagination/page';
import type { DrizzleAdapter } from '../common/transaction/transaction-host';
import { Keyset } from '../db/keyset';
import { ${n.Singular}, ${n.camelPlural} } from '../db/schema';

/** Oldest first, by (createdAt, id): the index on (organizationId, createdAt, id) serves it. */
const listOrder = Keyset.byCreatedAt(${n.camelPlural}, 'oldestFirst');

/** All of the ${n.plural} SQL, on the request's transaction (txHost.tx). */
@Injectable()
export class ${n.Plural}Repository {
  constructor(private readonly txHost: TransactionHost<DrizzleAdapter>) {}

  private get db() {
    return this.txHost.tx;
  }

  async list(organizationId: string, request: PageRequest): Promise<Page<${n.Singular}>> {
    const rows = await this.db
      .select()
      .from(${n.camelPlural})
      .where(
        and(
          eq(${n.camelPlural}.organizationId, organizationId),
          eq(${n.camelPlural}.deleted, false),
          listOrder.after(request.cursor),
        ),
      )
      .orderBy(...listOrder.orderBy)
      .limit(request.limit + 1);
    return listOrder.page(rows, request);
  }

  async find(organizationId: string, id: string): Promise<${n.Singular} | undefined> {
    const [row] = await this.db
      .select()
      .from(${n.camelPlural})
      .where(
        and(
          eq(${n.camelPlural}.id, id),
          eq(${n.camelPlural}.organizationId, organizationId),
          eq(${n.camelPlural}.deleted, false),
        ),
      );
    return row;
  }

  async insert(organizationId: string, name: string): Promise<${n.Singular}> {
    const [row] = await this.db.insert(${n.camelPlural}).values({ organizationId, name }).returning();
    return row;
  }

  async softDelete(id: string): Promise<void> {
    const now = new Date();
    await this.db
      .update(${n.camelPlural})
      .set({ deleted: true, deletedAt: now, updatedAt: now })
      .where(eq(${n.camelPlural}.id, id));
  }
}
`,

    service: `import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../common/errors/domain-error';
import type { Page, PageRequest } from '../common/pagination/page';
import type { ${n.Singular} } from '../db/schema';
import { ${n.Plural}Repository } from './${n.plural}.repository';

/** The ${n.plural} rules; throws DomainErrors with stable codes, never HTTP exceptions. */
@Injectable()
export class ${n.Plural}Service {
  constructor(private readonly ${n.camelPlural}: ${n.Plural}Repository) {}

  list(organizationId: string, request: PageRequest): Promise<Page<${n.Singular}>> {
    return this.${n.camelPlural}.list(organizationId, request);
  }

  async get(organizationId: string, id: string): Promise<${n.Singular}> {
    const found = await this.${n.camelPlural}.find(organizationId, id);
    if (!found) throw new NotFoundError('${n.ENTITY}');
    return found;
  }

  create(organizationId: string, name: string): Promise<${n.Singular}> {
    return this.${n.camelPlural}.insert(organizationId, name);
  }

  async remove(organizationId: string, id: string): Promise<void> {
    await this.get(organizationId, id);
    await this.${n.camelPlural}.softDelete(id);
  }
}
`,

    dto: `import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { PageOf } from '../../common/pagination/page.dto';
import type { ${n.Singular} } from '../../db/schema';

export class Create${n.Singular}Dto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;
}

export class ${n.Singular}ResponseDto {
  id!: string;
  organizationId!: string;
  name!: string;
  createdAt!: Date;
  updatedAt!: Date;

  static from(row: ${n.Singular}): ${n.Singular}ResponseDto {
    return {
      id: row.id,
      organizationId: row.organizationId,
      name: row.name,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }
}

export class ${n.Singular}PageDto extends PageOf(${n.Singular}ResponseDto) {}
`,

    controller: `import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { OrganizationScoped, OrgAdminOnly } from '../common/auth/organization-access.guard';
import { pathId } from '../common/http/path-id.pipe';
import { ApiErrors } from '../common/openapi/api-errors.decorator';
import { mapPage } from '../common/pagination/page';
import { PaginationQueryDto } from '../common/pagination/pagination-query.dto';
import { Create${n.Singular}Dto, ${n.Singular}PageDto, ${n.Singular}ResponseDto } from './dto/${n.singular}.dto';
import { ${n.Plural}Service } from './${n.plural}.service';

@ApiTags('${n.plural}')
@ApiBearerAuth('bearer')
@OrganizationScoped()
@Controller('${route}')
export class ${n.Plural}Controller {
  constructor(private readonly ${n.camelPlural}: ${n.Plural}Service) {}

  @Get()
  @ApiErrors('VALIDATION_FAILED')
  async list(
    @Param('orgId') orgId: string,
    @Query() query: PaginationQueryDto,
  ): Promise<${n.Singular}PageDto> {
    return mapPage(await this.${n.camelPlural}.list(orgId, query), ${n.Singular}ResponseDto.from);
  }

  @Post()
  @OrgAdminOnly()
  @ApiErrors('VALIDATION_FAILED')
  async create(
    @Param('orgId') orgId: string,
    @Body() body: Create${n.Singular}Dto,
  ): Promise<${n.Singular}ResponseDto> {
    return ${n.Singular}ResponseDto.from(await this.${n.camelPlural}.create(orgId, body.name));
  }

  @Get(':id')
  @ApiErrors('${n.ENTITY}_NOT_FOUND')
  async get(
    @Param('orgId') orgId: string,
    @Param('id', pathId('${n.ENTITY}')) id: string,
  ): Promise<${n.Singular}ResponseDto> {
    return ${n.Singular}ResponseDto.from(await this.${n.camelPlural}.get(orgId, id));
  }

  @Delete(':id')
  @HttpCode(204)
  @OrgAdminOnly()
  @ApiErrors('${n.ENTITY}_NOT_FOUND')
  async remove(
    @Param('orgId') orgId: string,
    @Param('id', pathId('${n.ENTITY}')) id: string,
  ): Promise<void> {
    await this.${n.camelPlural}.remove(orgId, id);
  }
}
`,

    module: `import { Module } from '@nestjs/common';
import { ${n.Plural}Controller } from './${n.plural}.controller';
import { ${n.Plural}Repository } from './${n.plural}.repository';
import { ${n.Plural}Service } from './${n.plural}.service';

@Module({
  controllers: [${n.Plural}Controller],
  providers: [${n.Plural}Service, ${n.Plural}Repository],
  exports: [${n.Plural}Service],
})
export class ${n.Plural}Module {}
`,

    test: `import { eq } from 'drizzle-orm';
import { ${n.camelPlural} } from '../../src/db/schema';
import { makeTeam, makeUser } from '../support/factories';
import { as } from '../support/http';
import { createTestApp, TestApp } from '../support/test-app';

describe('${n.plural}', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const url = (orgId: string) => \`/organizations/\${orgId}/${n.plural}\`;

  it('lets an org admin create one, members list and get it, and the admin delete it', async () => {
    const { org, admin, member } = await makeTeam(t.db);
    const created = await as(t, admin.id).post(url(org.id)).send({ name: 'First' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ organizationId: org.id, name: 'First' });
    const list = await as(t, member.id).get(url(org.id));
    expect(list.body).toEqual({ data: [created.body], nextCursor: null });
    expect((await as(t, member.id).get(\`\${url(org.id)}/\${created.body.id}\`)).body).toEqual(created.body);
    expect((await as(t, member.id).delete(\`\${url(org.id)}/\${created.body.id}\`)).status).toBe(403);
    expect((await as(t, admin.id).delete(\`\${url(org.id)}/\${created.body.id}\`)).status).toBe(204);
    const [row] = await t.db.select().from(${n.camelPlural}).where(eq(${n.camelPlural}.id, created.body.id));
    expect(row).toMatchObject({ deleted: true, deletedAt: expect.any(Date) });
    expect((await as(t, member.id).get(url(org.id))).body.data).toEqual([]);
  });

  it('refuses a bad body with 400 and creates nothing', async () => {
    const { org, admin } = await makeTeam(t.db);
    const res = await as(t, admin.id).post(url(org.id)).send({ name: '', extra: true });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('VALIDATION_FAILED');
    expect((await as(t, admin.id).get(url(org.id))).body.data).toEqual([]);
  });

  it('keeps tenants apart: 404 for outsiders and for another organization\\'s ids', async () => {
    const a = await makeTeam(t.db);
    const b = await makeTeam(t.db);
    const outsider = await makeUser(t.db);
    const created = await as(t, a.admin.id).post(url(a.org.id)).send({ name: 'Private' });
    const hidden = await as(t, outsider.id).get(url(a.org.id));
    expect(hidden.status).toBe(404);
    expect(hidden.body.error).toBe('ORGANIZATION_NOT_FOUND');
    const elsewhere = await as(t, b.admin.id).get(\`\${url(b.org.id)}/\${created.body.id}\`);
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body.error).toBe('${n.ENTITY}_NOT_FOUND');
  });
});
`,

    matrixRows: `  {
    method: 'get',
    path: '/${route}',
    url: (w) => \`/organizations/\${w.orgId}/${n.plural}\`,
    expect: inOrg(200, 200, 200),
  },
  {
    method: 'post',
    path: '/${route}',
    url: (w) => \`/organizations/\${w.orgId}/${n.plural}\`,
    body: () => ({ name: 'Matrix' }),
    expect: inOrg(FORBIDDEN, 201, 201),
  },
  {
    // Nothing with this id exists: allowed callers get the entity's 404, others the organization's.
    method: 'get',
    path: '/${route}/:id',
    url: (w) => \`/organizations/\${w.orgId}/${n.plural}/missing\`,
    expect: inOrg('404 ${n.ENTITY}_NOT_FOUND', '404 ${n.ENTITY}_NOT_FOUND', '404 ${n.ENTITY}_NOT_FOUND'),
  },
  {
    method: 'delete',
    path: '/${route}/:id',
    url: (w) => \`/organizations/\${w.orgId}/${n.plural}/missing\`,
    expect: inOrg(FORBIDDEN, '404 ${n.ENTITY}_NOT_FOUND', '404 ${n.ENTITY}_NOT_FOUND'),
  },
`,
  };
}
