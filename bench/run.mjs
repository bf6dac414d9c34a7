// npm run bench -- [--orgs 1000] [--duration 5] [--rounds 3] [--connections 32] [--only a,b]
// Builds, seeds a fresh database, then loads the service (dist/main) and the hand-written floor
// alternately (A B A B …) and reports medians, the service/floor ratio and the service's peak RSS.
import { generateKeyPairSync } from 'node:crypto';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { adminOf, memberOf, seedBench, SPARE_USERS } from './seed.mjs';
import { explainAll } from './explain.mjs';
import { scenarios } from './scenarios.mjs';
import { signToken } from './tokens.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => {
    const next = all[i + 1];
    if (arg.startsWith('--'))
      pairs.push([arg.slice(2), next && !next.startsWith('--') ? next : true]);
    return pairs;
  }, []),
);
// --service-env KEY=VALUE (repeatable): extra environment for the service only (not the floor).
const serviceEnv = Object.fromEntries(
  process.argv
    .flatMap((arg, i, all) => (arg === '--service-env' ? [all[i + 1]] : []))
    .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
);
const orgs = Number(args.orgs ?? 1000);
const duration = Number(args.duration ?? 5);
const rounds = Number(args.rounds ?? 3);
const connections = Number(args.connections ?? 32);
const only = args.only?.split(',');
const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `bench_${Date.now()}`;
const dbUrl = Object.assign(new URL(serverUrl), { pathname: `/${dbName}` }).toString();

async function admin(sql) {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function start(script, port, env, nodeFlags = []) {
  const child = spawn(process.execPath, [...nodeFlags, script], {
    cwd: root,
    env: { PATH: process.env.PATH, PORT: String(port), ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let attempt = 0; attempt < 400; attempt++) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}`);
    const up = await fetch(`http://127.0.0.1:${port}/health`).then(
      () => true,
      () => false,
    );
    if (up) return child;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${script} did not start`);
}

/** VmHWM: the most resident memory the process ever had. */
const peakRssMb = (pid) =>
  Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

function load(port, scenario) {
  return autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration,
    requests: scenario.requests,
    initialContext: {},
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
  process.stdout.write(`building…\n`);
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  const { createPostgresConnection } = await import(join(root, 'dist/db/database.js'));
  const { runMigrations } = await import(join(root, 'dist/db/migrator.js'));
  await admin(`create database "${dbName}"`);
  try {
    const connection = createPostgresConnection({
      kind: 'postgres',
      url: dbUrl,
      poolMax: 1,
      connectionTimeoutMs: 10000,
      statementTimeoutMs: 0,
    });
    await runMigrations(connection);
    await connection.close();
    const seedStarted = Date.now();
    const client = new pg.Client({ connectionString: dbUrl });
    await client.connect();
    await seedBench(client, orgs);
    const middle = Math.ceil(orgs / 2);
    const plans = await explainAll(client, `o_${middle}`, memberOf(middle));
    await client.end();
    process.stdout.write(
      `seeded ${orgs} organizations in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s\n`,
    );

    const keys = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const env = {
      DATABASE_URL: dbUrl,
      CLERK_JWT_KEY: keys.publicKey,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '0',
      DB_POOL_MAX: process.env.DB_POOL_MAX ?? '5',
    };
    // The heap cap of npm run start:prod and the Dockerfile.
    const service = await start('dist/main.js', 3101, { ...env, ...serviceEnv }, [
      '--max-old-space-size=192',
    ]);
    const floor = await start('bench/floor.mjs', 3102, {
      ...env,
      FLOOR_FRAMEWORK: args.floor === 'express' ? 'express' : 'node',
    });
    const sampleOrgs = Array.from({ length: 16 }, (_, i) => 1 + Math.floor((i * orgs) / 16));
    const token = (userId) => signToken(userId, keys.privateKey);
    const plan = scenarios({
      sampleOrgs,
      token,
      adminOf,
      memberOf,
      spareUsers: SPARE_USERS,
    }).filter((s) => !only || only.includes(s.key));

    const results = [];
    for (const scenario of plan) {
      const runs = { service: [], floor: [] };
      for (let round = 0; round < rounds; round++) {
        for (const [name, port] of [
          ['service', 3101],
          ['floor', 3102],
        ]) {
          const r = await load(port, scenario);
          const errors = r.non2xx + r.errors;
          runs[name].push({
            rps: r.requests.average,
            p50: r.latency.p50,
            p99: r.latency.p99,
            errors,
          });
        }
      }
      const summary = (name) => ({
        rps: median(runs[name].map((r) => r.rps)),
        p50: median(runs[name].map((r) => r.p50)),
        p99: median(runs[name].map((r) => r.p99)),
        errors: runs[name].reduce((n, r) => n + r.errors, 0),
      });
      results.push({ scenario, service: summary('service'), floor: summary('floor') });
      process.stdout.write(`${scenario.key}: done\n`);
    }
    const rss = peakRssMb(service.pid);
    service.kill('SIGTERM');
    floor.kill('SIGTERM');
    report(results, rss, plans);
  } finally {
    await admin(`drop database if exists "${dbName}" with (force)`);
  }
}

function report(results, rss, plans) {
  const rows = results.map(
    ({ scenario, service: s, floor: f }) =>
      `| ${scenario.label} | ${s.rps.toFixed(0)} | ${f.rps.toFixed(0)} | ${(s.rps / f.rps).toFixed(2)} | ${s.p50} / ${f.p50} | ${s.p99} / ${f.p99} | ${(s.p99 / Math.max(f.p99, 1)).toFixed(2)} | ${s.errors}/${f.errors} |`,
  );
  const text = [
    `## ${new Date().toISOString()}: ${orgs} organizations, ${connections} connections, ${rounds} × ${duration} s per side (medians), floor on ${args.floor === 'express' ? 'Express' : 'node:http'}`,
    '',
    '| endpoint | service req/s | floor req/s | ratio | p50 ms service / floor | p99 ms service / floor | p99 ratio | non-2xx service/floor |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Service peak RSS under load: ${rss.toFixed(0)} MB`,
    '',
    ...(args.explain
      ? ['<details><summary>EXPLAIN ANALYZE</summary>', '', plans, '', '</details>', '']
      : []),
  ].join('\n');
  process.stdout.write(`\n${text}\n`);
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  const file = join(root, 'bench/results', `${new Date().toISOString().slice(0, 10)}.md`);
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n\n';
  writeFileSync(file, `${previous}${text}\n`);
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err.stack ?? err}\n`);
  process.exit(1);
});
