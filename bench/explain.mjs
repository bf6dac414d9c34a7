// EXPLAIN ANALYZE of the statements the service runs for the read endpoints (the same SQL the
// repositories build, written out), to show every one is served by an index.
const QUERIES = {
  'principal (AuthGuard: user + organization + membership, one query)': [
    `select u.*, o.*, m.id, m.role from users u
     left join organizations o on o.id = $2
     left join organization_members m on m.organization_id = o.id and m.user_id = u.id and m.deleted = false
     where u.id = $1 and u.deleted = false limit 1`,
    (org, user) => [user, org],
  ],
  'members list (page of 20, users joined)': [
    `select m.id, m.organization_id, m.user_id, m.role, m.created_at, m.updated_at,
            u.id, u.email, u.first_name, u.last_name, u.photo_url
     from organization_members m left join users u on m.user_id = u.id
     where m.organization_id = $1 and m.deleted = false and u.deleted = false
     order by m.created_at, m.id limit 21`,
    (org) => [org],
  ],
  'repositories list (page of 20, across installations)': [
    `select r.* from github_installation_repositories r
     join github_installations i on r.installation_id = i.id
     where i.organization_id = $1 and i.deleted = false and r.deleted = false
     order by r.created_at, r.id limit 21`,
    (org) => [org],
  ],
  'organizations of a user (/users/me)': [
    `select o.id, o.company, o.plan, m.role from organization_members m
     join organizations o on m.organization_id = o.id
     where m.user_id = $1 and m.deleted = false and o.deleted = false
     order by m.created_at, m.id`,
    (org, user) => [user],
  ],
};

export async function explainAll(client, org, user) {
  const sections = [];
  for (const [title, [sql, params]] of Object.entries(QUERIES)) {
    const { rows } = await client.query(
      `explain (analyze, costs off, timing off, summary off) ${sql}`,
      params(org, user),
    );
    sections.push(`### ${title}\n\n\`\`\`\n${rows.map((r) => r['QUERY PLAN']).join('\n')}\n\`\`\``);
  }
  return sections.join('\n\n');
}
