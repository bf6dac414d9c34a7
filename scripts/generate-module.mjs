// npm run generate:module -- <plural-name>   e.g. projects, work-items
// Writes an org-scoped feature module (table, migration, repository, service, controller, DTOs,
// e2e test), registers it, and regenerates the migration and OpenAPI metadata.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { templates } from './module-template/templates.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const name = process.argv[2];
if (!name || !/^[a-z][a-z0-9]*(-[a-z0-9]+)*s$/.test(name)) {
  process.stderr.write('Usage: npm run generate:module -- <plural-kebab-name>, e.g. projects\n');
  process.exit(2);
}
if (existsSync(join(root, 'src', name))) {
  process.stderr.write(`src/${name} exists already\n`);
  process.exit(1);
}

const pascal = (s) => s.replace(/(^|-)([a-z0-9])/g, (_, __, c) => c.toUpperCase());
const singular = name.endsWith('ies') ? `${name.slice(0, -3)}y` : name.slice(0, -1);
const n = {
  plural: name,
  singular,
  Plural: pascal(name),
  Singular: pascal(singular),
  camelPlural: pascal(name).replace(/^./, (c) => c.toLowerCase()),
  table: name.replace(/-/g, '_'),
  ENTITY: singular.replace(/-/g, '_').toUpperCase(),
  prefix: singular.replace(/-/g, '').slice(0, 3),
};

function write(path, text) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
  return path;
}

function edit(path, change) {
  const before = readFileSync(join(root, path), 'utf8');
  const after = change(before);
  if (after === before) throw new Error(`could not edit ${path}: its layout changed`);
  writeFileSync(join(root, path), after);
  return path;
}

const t = templates(n);
const written = [
  write(`src/${n.plural}/${n.plural}.module.ts`, t.module),
  write(`src/${n.plural}/${n.plural}.controller.ts`, t.controller),
  write(`src/${n.plural}/${n.plural}.service.ts`, t.service),
  write(`src/${n.plural}/${n.plural}.repository.ts`, t.repository),
  write(`src/${n.plural}/dto/${n.singular}.dto.ts`, t.dto),
  write(`test/e2e/${n.plural}.e2e-spec.ts`, t.test),
  edit(
    'src/db/schema.ts',
    (s) =>
      s.replace('export const usersRelations', `${t.table}\nexport const usersRelations`) +
      t.tableType,
  ),
  edit('src/common/errors/error-codes.ts', (s) =>
    s.replace(
      '  REPOSITORY_NOT_FOUND: 404,\n',
      `  REPOSITORY_NOT_FOUND: 404,\n  ${n.ENTITY}_NOT_FOUND: 404,\n`,
    ),
  ),
  edit('src/app.module.ts', (s) =>
    s
      .replace(
        /(export const FEATURE_MODULES: Type\[\] = \[\n(?:.*\n)*?)(\];)/,
        `$1  ${n.Plural}Module,\n$2`,
      )
      .replace(
        'import { UsersModule }',
        `import { ${n.Plural}Module } from './${n.plural}/${n.plural}.module';\nimport { UsersModule }`,
      ),
  ),
  edit('test/e2e/authorization-matrix.e2e-spec.ts', (s) =>
    s.replace(
      '  // Webhooks authenticate by signature',
      `${t.matrixRows}  // Webhooks authenticate by signature`,
    ),
  ),
];

const run = (cmd, args) =>
  execFileSync(cmd, args, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
run(join(root, 'node_modules/.bin/prettier'), ['--write', ...written]);
run(join(root, 'node_modules/.bin/drizzle-kit'), ['generate', '--name', `add_${n.table}`]);
run(process.execPath, [join(root, 'scripts/generate-metadata.mjs')]);
process.stdout.write(
  [
    `Created the ${n.plural} module:`,
    ...written.map((f) => `  ${f}`),
    '  drizzle/<n>_add_' + n.table + '.sql',
    '',
    `Next: npm test -- test/e2e/${n.plural}`,
    '',
  ].join('\n'),
);
