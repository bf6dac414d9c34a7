// What each load does. Requests rotate over several organizations and their real members.
export function scenarios({ sampleOrgs, token, adminOf, memberOf, spareUsers }) {
  // Tokens are made once per organization: signing is the client's cost, not the server's.
  const cache = new Map();
  const tokenOf = (userId) => cache.get(userId) ?? cache.set(userId, token(userId)).get(userId);
  const cachedReader = (path) => {
    let i = 0;
    return [
      {
        method: 'GET',
        setupRequest: (req) => {
          const org = sampleOrgs[i++ % sampleOrgs.length];
          return {
            ...req,
            path: path(org),
            headers: { authorization: `Bearer ${tokenOf(memberOf(org))}` },
          };
        },
      },
    ];
  };
  // (organization, spare user) pairs not currently members. autocannon clears a connection's
  // context each time it starts the list of requests over, so a pair is taken for each add and
  // given back once its removal succeeded; a pair whose add or removal failed is not reused.
  const free = sampleOrgs.flatMap((org) =>
    Array.from({ length: spareUsers }, (_, i) => ({ org, userId: `spare_${i + 1}` })),
  );
  return [
    {
      key: 'members',
      label: 'GET /organizations/:orgId/members',
      requests: cachedReader((o) => `/organizations/o_${o}/members`),
    },
    {
      key: 'org',
      label: 'GET /organizations/:orgId',
      requests: cachedReader((o) => `/organizations/o_${o}`),
    },
    {
      key: 'repos',
      label: 'GET /organizations/:orgId/github/repositories',
      requests: cachedReader((o) => `/organizations/o_${o}/github/repositories`),
    },
    { key: 'me', label: 'GET /users/me', requests: cachedReader(() => '/users/me') },
    {
      key: 'writes',
      label: 'POST + DELETE /organizations/:orgId/members',
      requests: [
        {
          method: 'POST',
          setupRequest: (req, context) => {
            context.pair = free.shift();
            return {
              ...req,
              path: `/organizations/o_${context.pair.org}/members`,
              headers: {
                authorization: `Bearer ${tokenOf(adminOf(context.pair.org))}`,
                'content-type': 'application/json',
              },
              body: JSON.stringify({ userId: context.pair.userId, role: 'member' }),
            };
          },
          onResponse: (status, body, context) => {
            context.memberId = status === 201 ? JSON.parse(body).id : undefined;
          },
        },
        {
          method: 'DELETE',
          setupRequest: (req, context) => ({
            ...req,
            path: `/organizations/o_${context.pair.org}/members/${context.memberId ?? 'missing'}`,
            headers: { authorization: `Bearer ${tokenOf(adminOf(context.pair.org))}` },
          }),
          onResponse: (status, _body, context) => {
            if (status === 204) free.push(context.pair);
          },
        },
      ],
    },
  ];
}
