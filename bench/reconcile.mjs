// npm run bench:reconcile -- [--users 100000] [--orgs 10000]
// A full reconciliation run of the production build against an in-process Clerk stub holding
// --users users and --orgs organizations (10 members each), on a fresh PostgreSQL database seeded
// to match it: first a run that finds nothing to do, then one after 1 % of each kind drifted
// (changed, new, and gone in Clerk). Reports wall time, Clerk requests and the service's peak RSS
// of each run (a fresh process per run). Reports only; asserts nothing.
import { execFileSync, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { ClerkStub, MEMBERS_PER_ORG, orgId, T1, T2, userId } from './clerk-stub.mjs';
import { signToken } from './tokens.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const userCount = Number(arg('users', 100_000));
const orgCount = Number(arg('orgs', 10_000));
const port = 3800 + Math.floor(Math.random() * 90);
const secretKey = 'sk_test_bench_reconcile';
const adminId = 'user_bench_admin';
const { privateKey, publicKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const server = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `reconcile_${Date.now()}`;
const dbUrl = Object.assign(new URL(server), { pathname: `/${dbName}` }).toString();

async function sql(connectionString, text) {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

async function startService(clerkUrl) {
  const child = spawn(process.execPath, ['--max-old-space-size=192', 'dist/main'], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      NODE_ENV: 'production',
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
      RATE_LIMIT_PER_MINUTE: '0',
      DATABASE_URL: dbUrl,
      DB_MIGRATE_ON_START: 'true',
      CLERK_JWT_KEY: publicKey,
      CLERK_SECRET_KEY: secretKey,
      CLERK_API_URL: clerkUrl,
      RECONCILE_INTERVAL_MINUTES: '0',
    },
    stdio: ['ignore', process.env.BENCH_LOG_LEVEL ? 'inherit' : 'ignore', 'inherit'],
  });
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`service exited with ${child.exitCode}`);
    const up = await fetch(`http://127.0.0.1:${port}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return child;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('service did not start');
}

async function stopService(child) {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

const memoryMb = (pid, field) =>
  Math.round(
    Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) /
      1024,
  );

/** The mirror as Clerk's webhooks would have left it: every row at Clerk's version T1. */
async function seed() {
  const at = `to_timestamp(${T1} / 1000.0)`;
  await sql(
    dbUrl,
    `insert into users (id, email, first_name, last_name, photo_url, is_admin)
       values ('${adminId}', 'admin@example.com', 'A', 'B', '', true);
     insert into users (id, email, first_name, last_name, photo_url, clerk_updated_at)
       select 'user_b' || lpad(i::text, 6, '0'), 'user_b' || lpad(i::text, 6, '0') || '@example.com',
              'First', 'Last', 'https://img.example.com/u.png', ${at}
       from generate_series(0, ${userCount - 1}) i;
     insert into organizations (id, company, plan, clerk_updated_at)
       select 'org_b' || lpad(j::text, 5, '0'), 'Org ' || j, 'FREE', ${at}
       from generate_series(0, ${orgCount - 1}) j;
     insert into organization_members (id, organization_id, user_id, role, clerk_updated_at)
       select 'org_mem_b' || j || '_' || k, 'org_b' || lpad(j::text, 5, '0'),
              'user_b' || lpad((j * ${MEMBERS_PER_ORG} + k)::text, 6, '0'),
              case when k = 0 then 'admin' else 'member' end, ${at}
       from generate_series(0, ${orgCount - 1}) j, generate_series(0, ${MEMBERS_PER_ORG - 1}) k
       where j * ${MEMBERS_PER_ORG} + k < ${userCount};
     analyze;`,
  );
}

/** 1 % of each kind drifts in Clerk: a third changed, a third new, a third gone. */
function drift(stub) {
  const users = Math.floor(userCount / 100);
  for (let i = 0; i < users; i++) {
    const id = userId(i * 97);
    if (i % 3 === 0) Object.assign(stub.users.get(id), { firstName: 'Changed', updatedAt: T2 });
    else if (i % 3 === 1) stub.users.delete(id);
    else
      stub.users.set(`user_n${i}`, {
        id: `user_n${i}`,
        firstName: 'New',
        createdAt: T2 + i,
        updatedAt: T2,
      });
  }
  const orgs = Math.floor(orgCount / 100);
  for (let j = 0; j < orgs; j++) {
    const id = orgId(j * 89 + 1);
    if (j % 3 === 0) Object.assign(stub.orgs.get(id), { name: `Renamed ${j}`, updatedAt: T2 });
    else if (j % 3 === 1) stub.orgs.delete(id);
    else {
      const members = [{ userId: userId(j), role: 'org:admin', updatedAt: T2 }];
      stub.orgs.set(`org_n${j}`, { id: `org_n${j}`, name: `New ${j}`, updatedAt: T2, members });
    }
  }
  // Role changes: 1 % of the memberships.
  const memberships = Math.floor((orgCount * MEMBERS_PER_ORG) / 100);
  let changed = 0;
  for (const org of stub.orgs.values()) {
    if (changed >= memberships) break;
    const member = org.members[1];
    if (!member || org.id.startsWith('org_n')) continue;
    Object.assign(member, { role: 'org:admin', updatedAt: T2 });
    changed++;
  }
}

async function run(stub, clerkUrl, label) {
  const service = await startService(clerkUrl);
  const idleRssMb = memoryMb(service.pid, 'VmRSS');
  const token = signToken(adminId, privateKey);
  const headers = { authorization: `Bearer ${token}` };
  stub.requests = 0;
  const started = Date.now();
  const res = await fetch(`http://127.0.0.1:${port}/reconciliations`, { method: 'POST', headers });
  if (res.status !== 202) throw new Error(`POST /reconciliations answered ${res.status}`);
  const { id } = await res.json();
  let body;
  for (;;) {
    body = await (
      await fetch(`http://127.0.0.1:${port}/reconciliations/${id}`, { headers })
    ).json();
    if (body.status !== 'running') break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const seconds = (Date.now() - started) / 1000;
  const peakRssMb = memoryMb(service.pid, 'VmHWM');
  await stopService(service);
  const result = {
    run: label,
    status: body.status,
    seconds,
    clerkRequests: stub.requests,
    idleRssMb,
    peakRssMb,
    counts: body.counts,
    errors: body.errors,
  };
  console.log(JSON.stringify(result));
  return result;
}

async function main() {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
  await sql(server, `create database "${dbName}"`);
  const stub = new ClerkStub(secretKey, userCount, orgCount);
  const clerkUrl = await stub.start();
  try {
    // The first start migrates the fresh database.
    await stopService(await startService(clerkUrl));
    const seeding = Date.now();
    await seed();
    console.log(
      JSON.stringify({
        seeded: { users: userCount, orgs: orgCount },
        seconds: (Date.now() - seeding) / 1000,
      }),
    );
    await run(stub, clerkUrl, 'nothing to do');
    drift(stub);
    await run(stub, clerkUrl, '1 % drifted');
    await run(stub, clerkUrl, 'after the repair');
  } finally {
    await stub.stop();
    await sql(server, `drop database "${dbName}" with (force)`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
