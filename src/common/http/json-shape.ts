import { DomainError, ValidationFailedError } from '../errors/domain-error';

/** At most this many entries (object keys and array items, at every level) in one JSON body. */
export const MAX_JSON_ENTRIES = 1000;
/** At most this many objects and arrays nested inside each other. */
export const MAX_JSON_DEPTH = 32;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const isWhitespace = (byte: number) =>
  byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

export class TooManyEntriesError extends DomainError {
  constructor() {
    super(
      'PAYLOAD_TOO_LARGE',
      `The request body holds more than ${MAX_JSON_ENTRIES} keys and array items`,
    );
  }
}

export class TooDeepError extends ValidationFailedError {
  constructor() {
    super(
      [{ field: 'body', message: `nests deeper than ${MAX_JSON_DEPTH} levels` }],
      'The request body nests too deep',
    );
  }
}

/**
 * Bounds what a JSON body may cost before anything parses or transforms it: one pass over the
 * UTF-8 bytes, no recursion, stopping at the first limit crossed. Parsing a body nested 500,000
 * deep, or mapping 70,000 keys onto a DTO, blocks the event loop for seconds; this pass costs
 * about a millisecond per MiB. Structure inside strings is skipped. Whether the text is valid
 * JSON is left to the parser that runs next.
 */
export function checkJsonShape(body: Uint8Array): void {
  // Per open container: whether it is an array, and whether an array is waiting for an item.
  const isArray = new Uint8Array(MAX_JSON_DEPTH + 1);
  const awaitingItem = new Uint8Array(MAX_JSON_DEPTH + 1);
  let depth = 0;
  let entries = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
      continue;
    }
    if (isWhitespace(byte)) continue;
    if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
      if (depth > 0) depth--;
      continue;
    }
    if (byte === COMMA) {
      if (isArray[depth]) awaitingItem[depth] = 1;
      continue;
    }
    if (byte === COLON) {
      if (++entries > MAX_JSON_ENTRIES) throw new TooManyEntriesError();
      continue;
    }
    // Anything else starts a value or a key, or continues a number or literal.
    if (isArray[depth] && awaitingItem[depth]) {
      awaitingItem[depth] = 0;
      if (++entries > MAX_JSON_ENTRIES) throw new TooManyEntriesError();
    }
    if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      if (++depth > MAX_JSON_DEPTH) throw new TooDeepError();
      isArray[depth] = byte === OPEN_ARRAY ? 1 : 0;
      awaitingItem[depth] = isArray[depth];
    }
  }
}
