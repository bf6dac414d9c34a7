import { VerifiedTokenCache } from './verified-token-cache';

describe('VerifiedTokenCache', () => {
  let now = 1_000_000;
  const clock = () => now;
  const inSeconds = (seconds: number) => now / 1000 + seconds;

  it('returns an entry until its exp, then forgets it', () => {
    const cache = new VerifiedTokenCache<{ userId: string; exp: number }>(10, clock);
    const session = { userId: 'u1', exp: inSeconds(60) };
    cache.set('token-a', session);
    now += 59_000;
    expect(cache.get('token-a')).toEqual(session);
    now += 1_001;
    expect(cache.get('token-a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('keeps each entry for its own token lifetime', () => {
    const cache = new VerifiedTokenCache<{ exp: number }>(10, clock);
    cache.set('short', { exp: inSeconds(10) });
    cache.set('long', { exp: inSeconds(3600) });
    now += 10_001;
    expect(cache.get('short')).toBeUndefined();
    expect(cache.get('long')).toBeDefined();
  });

  it('does not keep a token that has already expired', () => {
    const cache = new VerifiedTokenCache<{ exp: number }>(10, clock);
    cache.set('stale', { exp: inSeconds(-1) });
    expect(cache.size).toBe(0);
  });

  it('is keyed by the whole token', () => {
    const cache = new VerifiedTokenCache<{ exp: number }>(10, clock);
    cache.set('header.payload.signature', { exp: inSeconds(60) });
    expect(cache.get('header.payload.signaturX')).toBeUndefined();
  });

  it('stays bounded, evicting the least recently used entry', () => {
    const cache = new VerifiedTokenCache<{ exp: number }>(2, clock);
    cache.set('a', { exp: inSeconds(60) });
    cache.set('b', { exp: inSeconds(60) });
    expect(cache.get('a')).toBeDefined();
    cache.set('c', { exp: inSeconds(60) });
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('c')).toBeDefined();
  });

  it('caches nothing with capacity 0', () => {
    const cache = new VerifiedTokenCache<{ exp: number }>(0, clock);
    cache.set('a', { exp: inSeconds(60) });
    expect(cache.get('a')).toBeUndefined();
  });
});
