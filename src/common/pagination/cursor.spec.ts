import { DomainError } from '../errors/domain-error';
import { decodeCursor, encodeCursor, toPage } from './cursor';

describe('cursor', () => {
  const row = { createdAt: new Date('2026-01-02T03:04:05.678Z'), id: 'org_mem_abc' };

  it('round-trips (createdAt, id) exactly, in a url-safe string', () => {
    const cursor = encodeCursor(row);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual(row);
  });

  it.each([
    ['not base64 JSON', 'not-a-cursor'],
    ['a JSON object', Buffer.from('{"a":1}').toString('base64url')],
    ['a bad date', Buffer.from('["yesterday","x"]').toString('base64url')],
    ['an empty id', Buffer.from('["2026-01-01T00:00:00.000Z",""]').toString('base64url')],
    ['a numeric id', Buffer.from('["2026-01-01T00:00:00.000Z",5]').toString('base64url')],
  ])('rejects %s with VALIDATION_FAILED', (_, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(DomainError);
    try {
      decodeCursor(cursor);
    } catch (err) {
      expect((err as DomainError).code).toBe('VALIDATION_FAILED');
    }
  });

  it('pages with limit + 1 rows: a next cursor only when more follow', () => {
    const rows = [1, 2, 3].map((n) => ({ createdAt: new Date(n), id: `r${n}` }));
    const full = toPage(rows, 2, (r) => r.id);
    expect(full).toEqual({ data: ['r1', 'r2'], nextCursor: encodeCursor(rows[1]) });
    expect(toPage(rows.slice(0, 2), 2, (r) => r.id)).toEqual({
      data: ['r1', 'r2'],
      nextCursor: null,
    });
  });
});
