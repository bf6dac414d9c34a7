// Bench data in a few set-based INSERTs: per organization 20 members (the first an admin),
// one installation and 50 repositories; plus spare users for the write mix.
export const MEMBERS_PER_ORG = 20;
export const REPOS_PER_ORG = 50;
export const SPARE_USERS = 256;

export async function seedBench(client, orgs) {
  const members = orgs * MEMBERS_PER_ORG;
  const repos = orgs * REPOS_PER_ORG;
  await client.query('set synchronous_commit = off');
  // Each organization's admin is also a platform admin: only platform admins add members
  // directly (others invite), and the write mix adds and removes members as that admin.
  await client.query(
    `insert into users (id, email, first_name, last_name, photo_url, is_admin, created_at, updated_at)
     select 'u_' || g, 'u' || g || '@bench.test', 'First' || g, 'Last' || g,
            'https://img.bench.test/' || g, (g - 1) % $2 = 0,
            now() - make_interval(secs => $1 - g), now()
     from generate_series(1, $1::int) g`,
    [members, MEMBERS_PER_ORG],
  );
  await client.query(
    `insert into users (id, email, first_name, last_name, photo_url)
     select 'spare_' || g, 'spare' || g || '@bench.test', 'Spare', 'User', 'https://img.bench.test/s'
     from generate_series(1, $1::int) g`,
    [SPARE_USERS],
  );
  await client.query(
    `insert into organizations (id, company, plan, created_at, updated_at)
     select 'o_' || g, 'Org ' || g, 'FREE', now() - make_interval(secs => $1 - g), now()
     from generate_series(1, $1::int) g`,
    [orgs],
  );
  await client.query(
    `insert into organization_members (id, organization_id, user_id, role, created_at, updated_at)
     select 'm_' || g, 'o_' || ((g - 1) / $2 + 1), 'u_' || g,
            case when (g - 1) % $2 = 0 then 'admin' else 'member' end,
            now() - make_interval(secs => $1 - g), now()
     from generate_series(1, $1::int) g`,
    [members, MEMBERS_PER_ORG],
  );
  await client.query(
    `insert into github_installations (id, organization_id)
     select (100000000 + g)::text, 'o_' || g from generate_series(1, $1::int) g`,
    [orgs],
  );
  await client.query(
    `insert into github_installation_repositories (id, installation_id, name, created_at, updated_at)
     select g::text, (100000000 + (g - 1) / $2 + 1)::text,
            'org' || ((g - 1) / $2 + 1) || '/repo-' || g, now() - make_interval(secs => $1 - g), now()
     from generate_series(1, $1::int) g`,
    [repos, REPOS_PER_ORG],
  );
  await client.query('analyze');
}

/** The admin and a plain member of organization n (1-based), as seedBench made them. */
export const adminOf = (n) => `u_${(n - 1) * MEMBERS_PER_ORG + 1}`;
export const memberOf = (n) => `u_${(n - 1) * MEMBERS_PER_ORG + 2}`;
