// node bench/webhook-burst.mjs [--db postgres|pglite] [--count 500] [--concurrency 25]
// Sends a burst of signed Clerk deliveries (user.created, each a new user) to the production
// build and reports, from the stored rows, the time from receipt to applied: worst, p50, p99,
// and how long the whole burst took to drain. Reports only; asserts nothing.
import { execFileSync, spawn } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { Webhook } from 'svix';
import { signToken } from './tokens.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const kind = arg('db', 'postgres');
const count = Number(arg('count', 500));
const concurrency = Number(arg('concurrency', 25));
const port = 3900 + Math.floor(Math.random() * 90);
const secret = `whsec_${Buffer.from('burst-secret').toString('base64')}`;
const { privateKey, publicKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const adminId = 'user_burst_admin';

/** The store under test: a fresh PostgreSQL database, or an embedded PGlite directory. */
async function store() {
  if (kind === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'burst-pglite-'));
    const query = async (sql) => {
      const db = await PGlite.create(dir);
      try {
        return (await db.query(sql)).rows;
      } finally {
        await db.close();
      }
    };
    return { env: { PGLITE_DATA_DIR: dir }, query, drop: () => rmSync(dir, { recursive: true }) };
  }
  const server = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `burst_${Date.now()}`;
  const url = Object.assign(new URL(server), { pathname: `/${name}` }).toString();
  const run = async (connectionString, sql) => {
    const client = new pg.Client({ connectionString });
    await client.connect();
    try {
      return (await client.query(sql)).rows;
    } finally {
      await client.end();
    }
  };
  await run(server, `create database "${name}"`);
  return {
    env: { DATABASE_URL: url, DB_MIGRATE_ON_START: 'true' },
    query: (sql) => run(url, sql),
    drop: () => run(server, `drop database "${name}" with (force)`),
  };
}

async function startService(env) {
  const child = spawn(process.execPath, ['--max-old-space-size=192', 'dist/main'], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '0',
      CLERK_JWT_KEY: publicKey,
      CLERK_WEBHOOK_SIGNING_SECRET: secret,
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`service exited with ${child.exitCode}`);
    if (
      await fetch(`http://127.0.0.1:${port}/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return child;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('service did not start');
}

async function stopService(child) {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

function delivery(i) {
  const id = `user_burst_${i}_${randomUUID().slice(0, 8)}`;
  const now = Date.now();
  const body = JSON.stringify({
    type: 'user.created',
    object: 'event',
    timestamp: now,
    data: {
      object: 'user',
      id,
      email_addresses: [{ id: 'idn_1', email_address: `${id}@example.org` }],
      primary_email_address_id: 'idn_1',
      first_name: 'Burst',
      last_name: String(i),
      image_url: 'https://img.clerk.com/x',
      created_at: now,
      updated_at: now,
    },
  });
  const msgId = `msg_${randomUUID()}`;
  const at = new Date();
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'svix-id': msgId,
      'svix-timestamp': String(Math.floor(at.getTime() / 1000)),
      'svix-signature': new Webhook(secret).sign(msgId, at, body),
    },
  };
}

async function main() {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
  const db = await store();
  try {
    // First start migrates; the platform admin who watches the queue is added while it is down
    // (PGlite is one process at a time).
    await stopService(await startService(db.env));
    await db.query(
      `insert into users (id, email, first_name, last_name, photo_url, is_admin)
       values ('${adminId}', 'burst@example.org', 'B', 'A', '', true)`,
    );
    const service = await startService(db.env);
    const deliveries = Array.from({ length: count }, (_, i) => delivery(i));
    const started = Date.now();
    let next = 0;
    const statuses = {};
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < deliveries.length) {
          const { body, headers } = deliveries[next++];
          const res = await fetch(`http://127.0.0.1:${port}/webhooks/clerk`, {
            method: 'POST',
            headers,
            body,
          });
          const status = res.ok ? (await res.json()).status : `http ${res.status}`;
          statuses[status] = (statuses[status] ?? 0) + 1;
        }
      }),
    );
    const sent = Date.now() - started;
    const token = signToken(adminId, privateKey);
    for (;;) {
      const res = await fetch(`http://127.0.0.1:${port}/webhook-deliveries?status=queued&limit=1`, {
        headers: { authorization: `Bearer ${token}` },
      });
      if ((await res.json()).data.length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const drained = Date.now() - started;
    await stopService(service);
    const [stats] = await db.query(`
      select count(*)::int as applied,
        round(max(extract(epoch from applied_at - received_at)) * 1000) as worst_ms,
        round(percentile_cont(0.5) within group (order by extract(epoch from applied_at - received_at)) * 1000) as p50_ms,
        round(percentile_cont(0.99) within group (order by extract(epoch from applied_at - received_at)) * 1000) as p99_ms
      from webhook_deliveries where status = 'applied'`);
    console.log(
      JSON.stringify({
        db: kind,
        count,
        concurrency,
        answers: statuses,
        sendMs: sent,
        drainMs: drained,
        ...stats,
      }),
    );
  } finally {
    await db.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
