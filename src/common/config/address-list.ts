import { isIP } from 'node:net';
import { ValidateBy } from 'class-validator';

/** `a, b ,c` → `['a', 'b', 'c']`; empty items dropped. */
export const commaList = (value?: string): string[] =>
  value
    ?.split(',')
    .map((item) => item.trim())
    .filter(Boolean) ?? [];

/** An IPv4 or IPv6 address, optionally with a CIDR prefix length (`10.0.0.0/8`, `::1`). */
export function isAddressOrCidr(text: string): boolean {
  const [address, prefix, extra] = text.split('/');
  const version = isIP(address);
  if (version === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}

/** A comma list of addresses and CIDR ranges. */
export const IsAddressList = () =>
  ValidateBy({
    name: 'isAddressList',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' && commaList(value).every(isAddressOrCidr),
      defaultMessage: () => 'must be a comma list of IP addresses or CIDR ranges (10.0.0.0/8)',
    },
  });
