import { describeError, isDatabaseUnavailable, isUniqueViolation } from './database-errors';

const pgError = (code: string, extra: object = {}) =>
  Object.assign(new Error(`pg error ${code}`), { code, ...extra });
/** Drizzle wraps driver errors; its own message carries the SQL and its parameters. */
const wrapped = (cause: Error) =>
  Object.assign(new Error('Failed query: select * from users where email = $1 params: a@b.c'), {
    cause,
  });

describe('database error classification', () => {
  it.each([
    [
      'connection refused',
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    ],
    ['admin shutdown', pgError('57P01')],
    ['cannot connect now', pgError('57P03')],
    ['too many connections', pgError('53300')],
    ['statement timeout', pgError('57014')],
    ['idle in transaction timeout', pgError('25P03')],
    ['idle session timeout', pgError('57P05')],
    [
      'network unreachable',
      Object.assign(new Error('connect ENETUNREACH'), { code: 'ENETUNREACH' }),
    ],
    ['pool timeout', new Error('timeout exceeded when trying to connect')],
    ['connect timeout', new Error('Connection terminated due to connection timeout')],
    ['terminated', new Error('Connection terminated unexpectedly')],
    ['dead client', new Error('Client has encountered a connection error and is not queryable')],
  ])('treats %s as unavailable, wrapped or not', (_, err) => {
    expect(isDatabaseUnavailable(err)).toBe(true);
    expect(isDatabaseUnavailable(wrapped(err))).toBe(true);
  });

  it('does not treat constraint violations or bugs as unavailable', () => {
    expect(isDatabaseUnavailable(pgError('23505'))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError('x is undefined'))).toBe(false);
  });

  it('decides by the code when there is one, not by words in the message', () => {
    const coded = Object.assign(new Error('value "connection terminated" too long'), {
      code: '22001',
    });
    expect(isDatabaseUnavailable(coded)).toBe(false);
    const socket = Object.assign(new Error('connection terminated'), { code: 'ERR_SOMETHING' });
    expect(isDatabaseUnavailable(socket)).toBe(false);
  });

  it('finds unique violations through the wrapper, by constraint when asked', () => {
    const err = wrapped(pgError('23505', { constraint: 'users_pkey' }));
    expect(isUniqueViolation(err)).toBe(true);
    expect(isUniqueViolation(err, 'users_pkey')).toBe(true);
    expect(isUniqueViolation(err, 'other')).toBe(false);
  });

  it('describes the driver error without the SQL text or parameters', () => {
    const described = describeError(wrapped(pgError('23505', { detail: 'Key (email)=(a@b.c)' })));
    expect(described).toMatchObject({ code: '23505', message: 'pg error 23505' });
    expect(JSON.stringify(described)).not.toMatch(/select|a@b\.c/);
  });
});
