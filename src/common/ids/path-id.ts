/** Ids in paths: Clerk ids, short ids and GitHub's numeric ids all fit this. */
export const PATH_ID = /^[A-Za-z0-9_-]{1,128}$/;

export function isBoundedId(value: string): boolean {
  return PATH_ID.test(value);
}
