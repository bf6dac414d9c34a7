import { createHash, timingSafeEqual } from 'node:crypto';

/** Compares a presented bearer token with the configured one in constant time. */
export class MetricsToken {
  private readonly expected: Buffer;

  constructor(token: string) {
    this.expected = digest(token);
  }

  /** `Authorization: Bearer <token>`; hashing first makes the comparison length-independent. */
  accepts(authorization: string | undefined): boolean {
    const match = /^Bearer +(\S+)\s*$/i.exec(authorization ?? '');
    return match !== null && timingSafeEqual(digest(match[1]), this.expected);
  }
}

const digest = (text: string) => createHash('sha256').update(text).digest();
