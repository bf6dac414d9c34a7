/**
 * SQLSTATEs that mean "the database cannot serve right now": class 08 (connection exception),
 * class 53 (insufficient resources: too many connections, disk full, out of memory), 57P01-57P05
 * (admin shutdown, crash shutdown, cannot connect now, database dropped, idle session timeout),
 * 57014 (statement_timeout cancelled the query) and 25P03 (idle_in_transaction_session_timeout
 * ended the session).
 */
const UNAVAILABLE_SQLSTATE_CLASSES = ['08', '53', '57P'];
const UNAVAILABLE_SQLSTATES = new Set(['57014', '25P03']);

/** Node socket and DNS errors (`err.code` set by libuv) on the way to the server. */
const UNAVAILABLE_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/**
 * Errors that node-postgres, pg-pool and PGlite raise with no code at all, so only their message
 * tells what happened. Matched only on errors that carry no code (see isDatabaseUnavailable).
 */
const UNAVAILABLE_MESSAGES = [
  // pg Client: the socket closed under a query, or a query on a client whose connection died.
  'connection terminated',
  'client has encountered a connection error and is not queryable',
  'client was closed and is not queryable',
  // pg-pool: no connection free within connectionTimeoutMillis; a query after pool.end().
  'timeout exceeded when trying to connect',
  'cannot use a pool after calling end on the pool',
  // PGlite after close().
  'pglite is closed',
];

const SQLSTATE = /^[0-9A-Z]{5}$/;

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
}

/** The error and its causes, innermost last (Drizzle wraps driver errors in DrizzleQueryError). */
export function causeChain(err: unknown): ErrorLike[] {
  const chain: ErrorLike[] = [];
  let current: unknown = err;
  while (current && typeof current === 'object' && chain.length < 8) {
    chain.push(current);
    current = (current as ErrorLike).cause;
  }
  return chain;
}

/** The SQLSTATE of a PostgreSQL error anywhere in the chain, e.g. '23505'. */
export function sqlState(err: unknown): string | undefined {
  for (const e of causeChain(err)) {
    if (typeof e.code === 'string' && SQLSTATE.test(e.code)) return e.code;
  }
  return undefined;
}

export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  return causeChain(err).some(
    (e) =>
      e.code === '23505' &&
      (!constraint || (e as { constraint?: string }).constraint === constraint),
  );
}

/**
 * Whether an error means the database is out of reach (answer 503 and let the client retry)
 * rather than a bug or a constraint (500, 409...). Decided by the SQLSTATE when the server sent
 * one, by the socket error code when the network failed, and by the message only for the
 * driver's own errors that have no code.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  return causeChain(err).some((e) => {
    const code = typeof e.code === 'string' ? e.code : undefined;
    if (code && SQLSTATE.test(code)) {
      return (
        UNAVAILABLE_SQLSTATES.has(code) ||
        UNAVAILABLE_SQLSTATE_CLASSES.some((c) => code.startsWith(c))
      );
    }
    if (code) return UNAVAILABLE_NODE_CODES.has(code);
    const message = typeof e.message === 'string' ? e.message.toLowerCase() : '';
    return UNAVAILABLE_MESSAGES.some((m) => message.includes(m));
  });
}

/**
 * What may be logged about an unexpected error: type, message, SQLSTATE and stack of the
 * innermost cause. Drizzle's own message carries the SQL text and its parameters (user data),
 * and PostgreSQL's `detail` carries row values, so neither is kept.
 */
export function describeError(err: unknown): Record<string, unknown> {
  const chain = causeChain(err);
  const inner = (chain.find((e) => typeof e.code === 'string') ?? chain.at(-1)) as
    (Error & { code?: string; constraint?: string; table?: string }) | undefined;
  if (!inner) return { message: String(err) };
  return {
    type: inner.constructor?.name ?? 'Error',
    message: inner.message,
    code: inner.code,
    constraint: inner.constraint,
    table: inner.table,
    stack: typeof inner.stack === 'string' ? inner.stack : undefined,
  };
}
