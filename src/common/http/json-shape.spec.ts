import { DomainError } from '../errors/domain-error';
import { checkJsonShape, MAX_JSON_DEPTH, MAX_JSON_ENTRIES } from './json-shape';

const check = (text: string) => () => checkJsonShape(Buffer.from(text));
const codeOf = (text: string): string | undefined => {
  try {
    checkJsonShape(Buffer.from(text));
    return undefined;
  } catch (err) {
    return (err as DomainError).code;
  }
};
const objectWith = (keys: number) =>
  JSON.stringify(Object.fromEntries(Array.from({ length: keys }, (_, i) => [`k${i}`, i])));
const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('checkJsonShape', () => {
  it('accepts ordinary bodies', () => {
    for (const body of ['{}', '[]', '"text"', '42', 'null', '{"a":{"b":[1,2,{"c":null}]}}']) {
      expect(check(body)).not.toThrow();
    }
  });

  it(`counts keys at every level: ${MAX_JSON_ENTRIES} pass, one more is PAYLOAD_TOO_LARGE`, () => {
    expect(codeOf(objectWith(MAX_JSON_ENTRIES))).toBeUndefined();
    expect(codeOf(objectWith(MAX_JSON_ENTRIES + 1))).toBe('PAYLOAD_TOO_LARGE');
    const spread = JSON.stringify({
      a: JSON.parse(objectWith(600)),
      b: JSON.parse(objectWith(399)),
    });
    expect(codeOf(spread)).toBe('PAYLOAD_TOO_LARGE');
  });

  it('counts array items like keys', () => {
    expect(codeOf(JSON.stringify(new Array(MAX_JSON_ENTRIES).fill(0)))).toBeUndefined();
    expect(codeOf(JSON.stringify(new Array(MAX_JSON_ENTRIES + 1).fill(0)))).toBe(
      'PAYLOAD_TOO_LARGE',
    );
    expect(codeOf(JSON.stringify(new Array(MAX_JSON_ENTRIES + 1).fill({})))).toBe(
      'PAYLOAD_TOO_LARGE',
    );
    expect(codeOf(`[${'[],'.repeat(MAX_JSON_ENTRIES)}[]]`)).toBe('PAYLOAD_TOO_LARGE');
  });

  it(`allows ${MAX_JSON_DEPTH} levels of nesting; one more is VALIDATION_FAILED`, () => {
    expect(codeOf(nested(MAX_JSON_DEPTH))).toBeUndefined();
    expect(codeOf(nested(MAX_JSON_DEPTH + 1))).toBe('VALIDATION_FAILED');
    const objects = '{"a":'.repeat(MAX_JSON_DEPTH + 1) + '1' + '}'.repeat(MAX_JSON_DEPTH + 1);
    expect(codeOf(objects)).toBe('VALIDATION_FAILED');
    // Depth is about nesting, not about how many containers a body has in sequence.
    expect(codeOf(`[${'[[]],'.repeat(200)}[]]`)).toBeUndefined();
  });

  it('ignores brackets, colons, commas and escaped quotes inside strings', () => {
    const tricky = JSON.stringify({ text: `${'[{:,'.repeat(5000)}\\"]`, more: '\\' });
    expect(codeOf(tricky)).toBeUndefined();
    expect(codeOf(JSON.stringify({ k: '"' + '['.repeat(100) }))).toBeUndefined();
  });

  it('stops at the first limit: a 1 MiB nested body is refused without a stack overflow', () => {
    expect(codeOf(nested(512 * 1024))).toBe('VALIDATION_FAILED');
    expect(codeOf(objectWith(70_000))).toBe('PAYLOAD_TOO_LARGE');
  });
});
