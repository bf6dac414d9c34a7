/**
 * Verified session tokens, remembered until they expire: verifying one (RSA key import and
 * signature check) costs more than the rest of a typical request's CPU. Keyed by the whole
 * token, so a different token is always verified; bounded, oldest entry evicted first.
 * Failures are never cached.
 */
export class VerifiedTokenCache<T extends { exp: number }> {
  private readonly entries = new Map<string, T>();

  constructor(
    private readonly capacity: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  get(token: string): T | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (entry.exp * 1000 <= this.now()) {
      this.entries.delete(token);
      return undefined;
    }
    return entry;
  }

  set(token: string, value: T): void {
    if (this.capacity === 0) return;
    if (this.entries.size >= this.capacity) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
    this.entries.set(token, value);
  }

  get size(): number {
    return this.entries.size;
  }
}
