// npm run bench -- [--orgs 1000] [--duration 5] [--rounds 3] [--connections 32] [--only a,b]
//                  [--variants a,b] [--node 24]
// Builds, seeds a fresh database, then loads each side in turn (the service, the same handler on
// bare Express, on node:http, and any bench-only variants of the service; A B C A B C …) and
// reports medians, ratios to the floors, CPU time per request and each side's peak RSS.
import { generateKeyPairSync } from 'node:crypto';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { adminOf, memberOf, seedBench, SPARE_USERS } from './seed.mjs';
import { explainAll } from './explain.mjs';
import { summarise } from './profile-summary.mjs';
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
const warmup = Number(args.warmup ?? 30);
const connections = Number(args.connections ?? 32);
const only = args.only?.split(',');
const variants = typeof args.variants === 'string' ? args.variants.split(',') : [];
// Variants that are configuration, not switches: the service with metrics on (scraped by
// nobody: the per-request cost), and with every request traced to a loopback OTLP sink.
const OTLP_SINK_PORT = 4399;
const ENV_VARIANTS = {
  metrics: { METRICS_TOKEN: 'bench-metrics-token-0123456789' },
  tracing: {
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${OTLP_SINK_PORT}`,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
  },
};
// --node 24: run every side on Node 24 LTS (fetched from the npm registry by scripts/node24.sh).
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

const nodeBinary = () =>
  args.node === '24'
    ? join(
        execFileSync('bash', [join(root, 'scripts/node24.sh')], { encoding: 'utf8' }).trim(),
        'node',
      )
    : process.execPath;

async function start(script, port, env, nodeFlags = []) {
  const child = spawn(nodeBinary(), [...nodeFlags, script], {
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

function load(port, scenario, seconds = duration) {
  return autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration: seconds,
    requests: scenario.requests,
    initialContext: {},
  });
}

/** User + system CPU time the process has used so far, in ms (GC and worker threads included). */
const cpuMs = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, 100 ticks/s
};

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
    // The service with the heap cap of npm run start:prod and the Dockerfile; variants add the
    // bench-only switches of variants.cjs.
    // --profile: the service also writes a V8 CPU profile, summarised by package at the end.
    const profileDir = join(root, 'bench/results/profiles', String(Date.now()));
    const heapCap = '--max-old-space-size=192';
    // The young-generation cap of npm run start:prod and the Dockerfile (Node 24 grows it to
    // ~250 MB RSS otherwise).
    const youngCap = '--max-semi-space-size=8';
    const profiling = args.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
    const sides = [
      {
        name: 'service',
        script: 'dist/main.js',
        env: { ...env, ...serviceEnv },
        flags: [heapCap, youngCap, ...profiling],
      },
      ...variants.map((variant) => {
        // semi-space-<MB>: the service with a smaller young generation (a V8 flag, not a switch).
        const semiSpace = /^semi-space-(\d+)$/.exec(variant)?.[1];
        const configured = ENV_VARIANTS[variant];
        const flags = semiSpace
          ? [heapCap, `--max-semi-space-size=${semiSpace}`]
          : configured
            ? [heapCap, youngCap]
            : [heapCap, youngCap, '-r', './bench/variants.cjs'];
        const switches = semiSpace || configured ? {} : { BENCH_VARIANTS: variant };
        return {
          name: `service ${variant}`,
          script: 'dist/main.js',
          env: { ...env, ...serviceEnv, ...configured, ...switches },
          flags,
        };
      }),
      // --baseline DIR: another checkout's production build (built there first), e.g. the commit
      // before a change, loaded in the same run for a before/after on the same machine state.
      ...(typeof args.baseline === 'string'
        ? [
            {
              name: 'baseline',
              script: join(args.baseline, 'dist/main.js'),
              env: { ...env, ...serviceEnv },
              flags: [heapCap],
            },
          ]
        : []),
      {
        name: 'express floor',
        script: 'bench/floor.mjs',
        env: { ...env, FLOOR_FRAMEWORK: 'express' },
      },
      {
        name: 'node:http floor',
        script: 'bench/floor.mjs',
        env: { ...env, FLOOR_FRAMEWORK: 'node' },
      },
    ];
    const sink = variants.includes('tracing')
      ? spawn(process.execPath, [join(root, 'bench/otlp-sink.mjs'), String(OTLP_SINK_PORT)], {
          stdio: 'ignore',
        })
      : undefined;
    for (const [i, side] of sides.entries()) {
      side.port = 3101 + i;
      side.child = await start(side.script, side.port, side.env, side.flags);
    }
    process.stdout.write(
      `node ${execFileSync(nodeBinary(), ['-v'], { encoding: 'utf8' }).trim()}\n`,
    );
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
    // V8 profiles are stamped with the monotonic clock, as hrtime is: samples before the first
    // load (start-up, module loading) are left out of the summary.
    const loadStartedMicros = Number(process.hrtime.bigint() / 1000n);
    for (const scenario of plan) {
      const runs = new Map(sides.map((side) => [side.name, []]));
      // Unrecorded first load per side: the service's JIT needs ~30 s of load to settle, the
      // floors' much less, so cold runs would overstate the gap. Later scenarios share most of
      // the code paths and warm up in a few seconds.
      const warmupSeconds = scenario === plan[0] ? warmup : Math.min(warmup, 3);
      for (const side of sides) await load(side.port, scenario, warmupSeconds);
      for (let round = 0; round < rounds; round++) {
        for (const side of sides) {
          const cpuBefore = cpuMs(side.child.pid);
          const r = await load(side.port, scenario);
          runs.get(side.name).push({
            rps: r.requests.average,
            p50: r.latency.p50,
            p99: r.latency.p99,
            cpu: (cpuMs(side.child.pid) - cpuBefore) / Math.max(r.requests.total, 1),
            errors: r.non2xx + r.errors,
          });
        }
      }
      const summary = (name) => {
        const of = (key) => median(runs.get(name).map((r) => r[key]));
        const errors = runs.get(name).reduce((n, r) => n + r.errors, 0);
        return { rps: of('rps'), p50: of('p50'), p99: of('p99'), cpu: of('cpu'), errors };
      };
      results.push({
        scenario,
        sides: sides.map((side) => ({ name: side.name, ...summary(side.name) })),
      });
      process.stdout.write(`${scenario.key}: done\n`);
    }
    const rss = sides.map((side) => ({ name: side.name, mb: peakRssMb(side.child.pid) }));
    await Promise.all(
      sides.map(
        (side) =>
          new Promise((resolve) => {
            side.child.once('exit', resolve);
            side.child.kill('SIGTERM');
          }),
      ),
    );
    sink?.kill('SIGTERM');
    report(results, rss, plans, args.profile ? profiles(profileDir, loadStartedMicros) : undefined);
  } finally {
    await admin(`drop database if exists "${dbName}" with (force)`);
  }
}

/** The service's profile (the one process started with --cpu-prof), summarised. */
function profiles(dir, fromMicros) {
  const [first] = readdirSync(dir).sort();
  return summarise(JSON.parse(readFileSync(join(dir, first), 'utf8')), 25, fromMicros);
}

function report(results, rss, plans, profile) {
  const rows = results.flatMap(({ scenario, sides }) => {
    const express = sides.find((side) => side.name === 'express floor');
    const node = sides.find((side) => side.name === 'node:http floor');
    return sides.map(
      (s) =>
        `| ${scenario.label} | ${s.name} | ${s.rps.toFixed(0)} | ${(s.rps / express.rps).toFixed(2)} | ${(s.rps / node.rps).toFixed(2)} | ${s.p50} | ${s.p99} | ${(s.p99 / Math.max(express.p99, 1)).toFixed(2)} | ${s.cpu.toFixed(2)} | ${s.errors} |`,
    );
  });
  const text = [
    `## ${new Date().toISOString()}: ${orgs} organizations, ${connections} connections, ${rounds} × ${duration} s per side (medians), ${args.node === '24' ? 'Node 24' : `Node ${process.version}`}`,
    '',
    '| endpoint | side | req/s | ÷ Express floor | ÷ node:http floor | p50 ms | p99 ms | p99 ÷ Express floor | CPU ms/request | non-2xx |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Peak RSS under load: ${rss.map((r) => `${r.name} ${r.mb.toFixed(0)} MB`).join(', ')}`,
    '',
    ...(profile
      ? [
          '<details><summary>CPU profile of the service</summary>',
          '',
          profile,
          '',
          '</details>',
          '',
        ]
      : []),
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
