// The floor: what the service does per request, written by hand on node:http + pg. Same token
// check (@clerk/backend verifyToken with the same key, verified tokens cached until they expire,
// as the service does), the same reads and writes inside a transaction (audit events included),
// the same JSON. The service is measured against this.
import { verifyToken } from '@clerk/backend';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import pg from 'pg';

const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.DB_POOL_MAX ?? 5),
});
const jwtKey = process.env.CLERK_JWT_KEY;
// AUDIT=off: the write mix without its audit inserts, to price the audit log.
const audited = process.env.AUDIT !== 'off';

/** Verified tokens until `exp`, like the service's cache (a Map is enough for a bench). */
const verified = new Map();
async function userOf(token) {
  const hit = verified.get(token);
  if (hit && hit.exp * 1000 > Date.now()) return hit.sub;
  const claims = await verifyToken(token, { jwtKey });
  verified.set(token, claims);
  return claims.sub;
}

const AUDIT = `
  insert into audit_events (id, organization_id, actor_id, actor_type, action, target_type, target_id, data, request_id)
  values ('fa_' || md5(random()::text), $1, $2, 'user', $3, 'member', $4, $5, $6)`;
const audit = (client, orgId, userId, action, targetId, data, requestId) =>
  audited
    ? client.query(AUDIT, [orgId, userId, action, targetId, JSON.stringify(data), requestId])
    : undefined;

const PRINCIPAL = `
  select u.id, u.email, u.first_name, u.last_name, u.photo_url, u.is_admin, u.created_at, u.updated_at,
         o.id as org_id, o.company, o.plan, o.deleted as org_deleted, o.created_at as org_created_at,
         o.updated_at as org_updated_at, o.deleted_at as org_deleted_at, m.id as member_id, m.role
  from users u
  left join organizations o on o.id = $2
  left join organization_members m on m.organization_id = o.id and m.user_id = u.id and m.deleted = false
  where u.id = $1 and u.deleted = false limit 1`;
const MEMBER_SELECT = `
  select m.id, m.organization_id, m.user_id, m.role, m.created_at, m.updated_at,
         u.id as uid, u.email, u.first_name, u.last_name, u.photo_url
  from organization_members m left join users u on m.user_id = u.id`;
const MEMBERS = `${MEMBER_SELECT}
  where m.organization_id = $1 and m.deleted = false and u.deleted = false
  order by m.created_at, m.id limit 21`;
const REPOSITORIES = `
  select r.id, r.installation_id, r.name, r.created_at, r.updated_at
  from github_installation_repositories r
  join github_installations i on r.installation_id = i.id
  where i.organization_id = $1 and i.deleted = false and r.deleted = false
  order by r.created_at, r.id limit 21`;
const MY_ORGS = `
  select o.id, o.company as name, o.plan, m.role from organization_members m
  join organizations o on m.organization_id = o.id
  where m.user_id = $1 and m.deleted = false and o.deleted = false order by m.created_at, m.id`;

const cursorOf = (row) =>
  Buffer.from(JSON.stringify([row.created_at.toISOString(), row.id])).toString('base64url');
const page = (rows, map) => ({
  data: rows.slice(0, 20).map(map),
  nextCursor: rows.length > 20 ? cursorOf(rows[19]) : null,
});

function send(res, status, body) {
  const json = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(json);
}

async function readJson(req) {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text ? JSON.parse(text) : {};
}

async function handle(req, res) {
  const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  let userId;
  try {
    userId = await userOf(token ?? '');
  } catch {
    return send(res, 401, {
      error: 'UNAUTHENTICATED',
      message: 'A valid session token is required',
    });
  }
  const [, , orgId, sub, memberId] = (req.url ?? '').split('?')[0].split('/');
  const requestId = randomUUID();
  res.setHeader('x-request-id', requestId);
  const client = await pool.connect();
  try {
    await client.query('begin isolation level read committed');
    const {
      rows: [p],
    } = await client.query(PRINCIPAL, [userId, orgId ?? null]);
    if (!p) return send(res, 403, { error: 'USER_NOT_PROVISIONED', message: 'No active account' });
    if (req.url === '/users/me') {
      const { rows } = await client.query(MY_ORGS, [userId]);
      await client.query('commit');
      return send(res, 200, {
        id: p.id,
        email: p.email,
        firstName: p.first_name,
        lastName: p.last_name,
        photoUrl: p.photo_url,
        isAdmin: p.is_admin,
        deleted: false,
        deletedAt: null,
        createdAt: p.created_at,
        updatedAt: p.updated_at,
        organizations: rows,
      });
    }
    if (!p.member_id || p.org_deleted) {
      await client.query('commit');
      return send(res, 404, { error: 'ORGANIZATION_NOT_FOUND', message: 'Organization not found' });
    }
    if (sub === undefined) {
      await client.query('commit');
      return send(res, 200, {
        id: p.org_id,
        name: p.company,
        plan: p.plan,
        deleted: p.org_deleted,
        deletedAt: p.org_deleted_at,
        createdAt: p.org_created_at,
        updatedAt: p.org_updated_at,
      });
    }
    if (sub === 'members' && req.method === 'GET') {
      const { rows } = await client.query(MEMBERS, [orgId]);
      await client.query('commit');
      return send(
        res,
        200,
        page(rows, (m) => ({
          id: m.id,
          organizationId: m.organization_id,
          userId: m.user_id,
          role: m.role,
          createdAt: m.created_at,
          updatedAt: m.updated_at,
          user: {
            id: m.uid,
            email: m.email,
            firstName: m.first_name,
            lastName: m.last_name,
            photoUrl: m.photo_url,
          },
        })),
      );
    }
    if (sub === 'github') {
      const { rows } = await client.query(REPOSITORIES, [orgId]);
      await client.query('commit');
      return send(
        res,
        200,
        page(rows, (r) => ({
          id: r.id,
          installationId: r.installation_id,
          name: r.name,
          createdAt: r.created_at,
          updatedAt: r.updated_at,
        })),
      );
    }
    if (sub === 'members' && req.method === 'POST') {
      const body = await readJson(req);
      const {
        rows: [user],
      } = await client.query('select id from users where id = $1 and deleted = false', [
        body.userId,
      ]);
      if (!user) {
        await client.query('commit');
        return send(res, 404, { error: 'USER_NOT_FOUND', message: 'User not found' });
      }
      const {
        rows: [created],
      } = await client.query(
        `insert into organization_members (id, organization_id, user_id, role)
         values ('fm_' || md5(random()::text), $1, $2, $3) on conflict do nothing returning id`,
        [orgId, body.userId, body.role],
      );
      if (!created) {
        await client.query('commit');
        return send(res, 409, { error: 'MEMBER_ALREADY_EXISTS', message: 'Already a member' });
      }
      await audit(client, orgId, userId, 'member.added', created.id, body, requestId);
      const {
        rows: [m],
      } = await client.query(`${MEMBER_SELECT} where m.id = $1`, [created.id]);
      await client.query('commit');
      return send(res, 201, {
        id: m.id,
        organizationId: m.organization_id,
        userId: m.user_id,
        role: m.role,
        createdAt: m.created_at,
        updatedAt: m.updated_at,
        user: {
          id: m.uid,
          email: m.email,
          firstName: m.first_name,
          lastName: m.last_name,
          photoUrl: m.photo_url,
        },
      });
    }
    if (sub === 'members' && req.method === 'DELETE') {
      // Same rules as the service: lock the organization, find the member, keep an admin.
      await client.query('select id from organizations where id = $1 for update', [orgId]);
      const {
        rows: [m],
      } = await client.query(
        `select m.role, m.user_id from organization_members m join users u on u.id = m.user_id
         where m.id = $1 and m.organization_id = $2 and m.deleted = false and u.deleted = false`,
        [memberId, orgId],
      );
      if (!m) {
        await client.query('commit');
        return send(res, 404, { error: 'MEMBER_NOT_FOUND', message: 'Member not found' });
      }
      await client.query(
        `update organization_members set deleted = true, deleted_at = now(), updated_at = now()
         where id = $1`,
        [memberId],
      );
      const removed = { userId: m.user_id, role: m.role };
      await audit(client, orgId, userId, 'member.removed', memberId, removed, requestId);
      await client.query('commit');
      res.writeHead(204);
      return res.end();
    }
    await client.query('commit');
    send(res, 404, { error: 'NOT_FOUND', message: 'No such route' });
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    send(res, 500, { error: 'INTERNAL_ERROR', message: String(err.message) });
  } finally {
    client.release();
  }
}

const route = (req, res) => {
  // The load balancer's view of the floor: alive, no database involved.
  if (req.url === '/health') return send(res, 200, { status: 'ok' });
  void handle(req, res);
};

// --floor express: the same handler behind a bare Express app, to price Express alone.
const server =
  process.env.FLOOR_FRAMEWORK === 'express'
    ? createServer((await import('express')).default().use(route))
    : createServer(route);
server.listen(Number(process.env.PORT), '127.0.0.1');
