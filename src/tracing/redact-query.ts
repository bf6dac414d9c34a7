/** `/users?email=a@b.c&limit=5` → `/users?email=&limit=`: the names of the parameters only. */
export function redactedQuery(url: string): string {
  const start = url.indexOf('?');
  if (start === -1) return url;
  const names = [...new URLSearchParams(url.slice(start + 1)).keys()];
  return `${url.slice(0, start)}?${names.map((name) => `${encodeURIComponent(name)}=`).join('&')}`;
}
