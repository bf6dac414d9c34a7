import { VerifiedTokenCache } from './verified-token-cache';

describe('VerifiedTokenCache', () => {
  let now = 1_000_000;
  const clock = () => now;

  it('returns an entry until its exp, then forgets it', () => {
    const cache = new VerifiedTokenCache<{ userId: string; exp: number }>(10, clock);
    cache.set('token-a', { userId: 'u1', exp: now / 1000 + 60 });
    expect(cache.get('token-a')).toEqual({ userId: 'u1', exp: now / 1000 + 60 });
    now += 60_000;
    expect(cache.get('token-a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('is keyed by the whole token', () => {
    const cache = new VerifiedTokenCache<{ exp: number }>(10, clock);
    cache.set('header.payload.signature', { exp: now / 1000 + 60 });
    expect(cache.get('header.payload.signaturX')).toBeUndefined();
  });

  it('stays bounded, evicting the oldest entry', () => {
    const cache = new VerifiedTokenCache<{ exp: number }>(2, clock);
    for (const token of ['a', 'b', 'c']) cache.set(token, { exp: now / 1000 + 60 });
    expect(cache.size).toBe(2);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('c')).toBeDefined();
  });
});
