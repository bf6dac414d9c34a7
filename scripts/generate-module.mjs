// npm run generate:module -- <plural-name> [--kind crud|log]     (npm run generate:module -- --help)
// Writes a feature module of the chosen kind, registers it at the `generate:module` markers,
// generates its migration and every generated OpenAPI file, and prints the files it wrote and
// changed. Any failure puts the tree back as it was.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as crud from './module-template/crud.mjs';
import * as log from './module-template/log.mjs';
import { NAME_PATTERN, namesOf } from './module-template/names.mjs';

const KINDS = { crud, log };
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const usage = `Usage: npm run generate:module -- <plural-kebab-name> [--kind <kind>]

Kinds:
${Object.entries(KINDS)
  .map(([kind, k]) => `  ${kind.padEnd(5)} ${k.description}${kind === 'crud' ? ' (default)' : ''}`)
  .join('\n')}

Example: npm run generate:module -- work-items
         npm run generate:module -- activity-events --kind log
`;

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  process.stdout.write(usage);
  process.exit(0);
}
const kindAt = args.indexOf('--kind');
const kind = kindAt >= 0 ? args[kindAt + 1] : 'crud';
const name = args.find((arg, i) => !arg.startsWith('--') && !(kindAt >= 0 && i === kindAt + 1));
if (!name || !NAME_PATTERN.test(name) || !KINDS[kind]) {
  process.stderr.write(`${!KINDS[kind] ? `Unknown kind: ${kind}\n\n` : ''}${usage}`);
  process.exit(2);
}
const n = namesOf(name);
if (existsSync(join(root, 'src', n.plural))) fail(`src/${n.plural} exists already`);
if (readFileSync(join(root, 'src/db/schema.ts'), 'utf8').includes(`pgTable(\n  '${n.table}'`)) {
  fail(`a table named ${n.table} exists already`);
}

// Everything the generator may change, kept so that a failure can put it back.
const EDITED = [
  'src/app.module.ts',
  'src/db/schema.ts',
  'src/common/errors/error-codes.ts',
  'test/e2e/authorization-matrix.e2e-spec.ts',
  'src/metadata.ts',
  'openapi.json',
  'test/client/schema.d.ts',
  'drizzle/meta/_journal.json',
];
const saved = new Map(EDITED.map((file) => [file, readFileSync(join(root, file), 'utf8')]));
const drizzleBefore = new Set(listDrizzle());
const created = [];

try {
  generate(KINDS[kind].templates(n));
} catch (err) {
  for (const [file, text] of saved) writeFileSync(join(root, file), text);
  for (const file of [...created, ...newDrizzleFiles()]) rmSync(join(root, file), { force: true });
  rmSync(join(root, 'src', n.plural), { recursive: true, force: true });
  fail(`${err.message.trim()}\nNothing was changed: the tree is as it was.`);
}

const changed = EDITED.filter((file) => readFileSync(join(root, file), 'utf8') !== saved.get(file));
process.stdout.write(
  [
    `Created the ${n.plural} module (${kind}):`,
    ...[...created, ...newDrizzleFiles()].sort().map((file) => `  + ${file}`),
    'Changed:',
    ...changed.map((file) => `  ~ ${file}`),
    '',
    `Next: npm test -- test/e2e/${n.plural} test/e2e/authorization-matrix`,
    'Then read docs/adding-a-module.md for what to make yours first.',
    '',
  ].join('\n'),
);

function generate(t) {
  const moduleFiles = {
    [`src/${n.plural}/${n.plural}.module.ts`]: t.module,
    [`src/${n.plural}/${n.plural}.controller.ts`]: t.controller,
    [`src/${n.plural}/${n.plural}.service.ts`]: t.service,
    [`src/${n.plural}/${n.plural}.repository.ts`]: t.repository,
    [`src/${n.plural}/dto/${n.singular}.dto.ts`]: t.dto,
    [`test/e2e/${n.plural}.e2e-spec.ts`]: t.test,
  };
  for (const [file, text] of Object.entries(moduleFiles)) write(file, text);
  insertAt('src/db/schema.ts', '// generate:module tables', `${t.table}\n`);
  insertAt('src/db/schema.ts', '// generate:module types', t.tableType);
  insertAt(
    'src/app.module.ts',
    '// generate:module imports',
    `import { ${n.Plural}Module } from './${n.plural}/${n.plural}.module';\n`,
  );
  insertAt('src/app.module.ts', '  // generate:module modules', `  ${n.Plural}Module,\n`);
  if (t.notFoundCode) {
    insertAt(
      'src/common/errors/error-codes.ts',
      '  // generate:module not-found codes',
      `  ${n.ENTITY}_NOT_FOUND: 404,\n`,
    );
  }
  insertAt(
    'test/e2e/authorization-matrix.e2e-spec.ts',
    '  // generate:module matrix rows',
    t.matrixRows,
  );

  run(bin('prettier'), ['--write', ...Object.keys(moduleFiles), ...EDITED.slice(0, 4)]);
  run(bin('drizzle-kit'), ['generate', '--name', `add_${n.table}`]);
  if (t.appendOnlySql) {
    run(bin('drizzle-kit'), ['generate', '--custom', '--name', `${n.table}_append_only`]);
    const custom = newDrizzleFiles().find((file) => file.endsWith(`_${n.table}_append_only.sql`));
    writeFileSync(join(root, custom), t.appendOnlySql);
  }
  run('npm', ['run', '--silent', 'openapi']);
}

function write(file, text) {
  mkdirSync(dirname(join(root, file)), { recursive: true });
  writeFileSync(join(root, file), text);
  created.push(file);
}

/** Puts `text` on the lines before `marker`; a missing marker stops the generation. */
function insertAt(file, marker, text) {
  const before = readFileSync(join(root, file), 'utf8');
  const at = before.indexOf(marker);
  if (at < 0) throw new Error(`${file} has lost its marker "${marker.trim()}": put it back first`);
  writeFileSync(join(root, file), before.slice(0, at) + text + before.slice(at));
}

function listDrizzle() {
  const files = (dir) =>
    readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)],
    );
  return files('drizzle').map((file) => relative(root, join(root, file)));
}

function newDrizzleFiles() {
  return listDrizzle().filter((file) => !drizzleBefore.has(file));
}

function bin(tool) {
  return join(root, 'node_modules/.bin', tool);
}

function run(command, commandArgs) {
  try {
    execFileSync(command, commandArgs, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const output = `${err.stdout ?? ''}${err.stderr ?? ''}`
      .trim()
      .split('\n')
      .slice(-15)
      .join('\n');
    throw new Error(
      `${relative(root, command) || command} ${commandArgs.join(' ')} failed:\n${output}`,
      { cause: err },
    );
  }
}

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
