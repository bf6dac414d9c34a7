/** One page of a list: `nextCursor` is null on the last page. */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** What a caller asks of a list: a page size and, after the first page, the previous `nextCursor`. */
export interface PageRequest {
  limit: number;
  cursor?: string;
}

/** The same page with each item shaped for the response. */
export function mapPage<T, U>(page: Page<T>, map: (item: T) => U): Page<U> {
  return { data: page.data.map(map), nextCursor: page.nextCursor };
}
