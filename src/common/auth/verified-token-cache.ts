import { LRUCache } from 'lru-cache';

/**
 * Verified session tokens, remembered until they expire: verifying one (RSA key import and
 * signature check) costs more than the rest of a typical request's CPU. Keyed by the whole
 * token, so a different token is always verified; bounded, least recently used evicted first;
 * each entry lives until its token's `exp`. Failures are never cached.
 */
export class VerifiedTokenCache<T extends { exp: number }> {
  private readonly entries: LRUCache<string, T> | undefined;

  constructor(
    capacity: number,
    private readonly now: () => number = () => Date.now(),
  ) {
    // `exp` is wall-clock time, so entries age on the same clock. ttlResolution 0: no timer
    // per lookup, and exact expiry.
    this.entries =
      capacity > 0 ? new LRUCache({ max: capacity, perf: { now }, ttlResolution: 0 }) : undefined;
  }

  get(token: string): T | undefined {
    return this.entries?.get(token);
  }

  set(token: string, value: T): void {
    const ttl = value.exp * 1000 - this.now();
    if (ttl > 0) this.entries?.set(token, value, { ttl });
  }

  get size(): number {
    return this.entries?.size ?? 0;
  }
}
