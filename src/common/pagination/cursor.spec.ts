import { DomainError } from '../errors/domain-error';
import { CursorValueKind, decodeCursor, encodeCursor } from './cursor';

const KEY: CursorValueKind[] = ['timestamp', 'text'];
const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('cursor', () => {
  it('round-trips the key values exactly, in a url-safe string', () => {
    const values = ['2026-01-02T03:04:05.678Z', 'org_mem_abc'];
    const cursor = encodeCursor(values);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, KEY)).toEqual(values);
    expect(decodeCursor(encodeCursor(['9223372036854775807']), ['bigint'])).toEqual([
      '9223372036854775807',
    ]);
  });

  it.each([
    ['not base64 JSON', 'not-a-cursor'],
    ['a JSON object', forged({ a: 1 })],
    ['too few values', forged(['2026-01-01T00:00:00.000Z'])],
    ['a bad date', forged(['yesterday', 'x'])],
    ['a date after 9999', forged(['+010000-01-01T00:00:00.000Z', 'x'])],
    ['a date before 1970', forged(['-000001-01-01T00:00:00.000Z', 'x'])],
    ['a date before the epoch', forged(['1969-12-31T23:59:59.999Z', 'x'])],
    ['an empty id', forged(['2026-01-01T00:00:00.000Z', ''])],
    ['a NUL in the id', forged(['2026-01-01T00:00:00.000Z', 'a\u0000b'])],
    ['an id over 128 characters', forged(['2026-01-01T00:00:00.000Z', 'x'.repeat(129)])],
    ['a numeric id', forged(['2026-01-01T00:00:00.000Z', 5])],
  ])('rejects %s with VALIDATION_FAILED', (_, cursor) => {
    expect(() => decodeCursor(cursor, KEY)).toThrow(DomainError);
    try {
      decodeCursor(cursor, KEY);
    } catch (err) {
      expect((err as DomainError).code).toBe('VALIDATION_FAILED');
    }
  });

  it('rejects a bigint value that is not digits or too long', () => {
    expect(() => decodeCursor(forged(['-1']), ['bigint'])).toThrow(DomainError);
    expect(() => decodeCursor(forged(['1'.repeat(20)]), ['bigint'])).toThrow(DomainError);
  });
});
