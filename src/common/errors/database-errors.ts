/** PostgreSQL SQLSTATEs and Node socket errors that mean "the database cannot serve right now". */
const UNAVAILABLE_SQLSTATE_PREFIXES = ['08', '53', '57P'];
const UNAVAILABLE_SQLSTATES = new Set(['57014']); // statement_timeout / query canceled
const UNAVAILABLE_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
]);
const UNAVAILABLE_MESSAGES = [
  'timeout exceeded when trying to connect',
  'connection terminated',
  'client has encountered a connection error',
  'cannot use a pool after calling end',
  'pglite is closed',
];

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
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
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

export function isDatabaseUnavailable(err: unknown): boolean {
  return causeChain(err).some((e) => {
    const code = typeof e.code === 'string' ? e.code : '';
    const message = typeof e.message === 'string' ? e.message.toLowerCase() : '';
    return (
      UNAVAILABLE_NODE_CODES.has(code) ||
      UNAVAILABLE_SQLSTATES.has(code) ||
      (/^[0-9A-Z]{5}$/.test(code) &&
        UNAVAILABLE_SQLSTATE_PREFIXES.some((p) => code.startsWith(p))) ||
      UNAVAILABLE_MESSAGES.some((m) => message.includes(m))
    );
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
