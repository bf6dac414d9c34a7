// Summarises a V8 .cpuprofile (from --cpu-prof): self time by package and the top functions.
// node bench/profile-summary.mjs <file.cpuprofile> [top]
import { readFileSync } from 'node:fs';

/** Which part of the process a frame belongs to: an npm package, the service's code, or Node. */
export function ownerOf(url, functionName) {
  if (!url) return functionName.startsWith('(') ? functionName : 'node (native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const own = /\/dist\/([^/]+(?:\/[^/]+)?)\//.exec(url) ?? /\/dist\/([^/]+)\.js/.exec(url);
  if (own) return `service: ${own[1]}`;
  if (url.startsWith('node:') || !url.startsWith('file:')) return 'node (internals)';
  return url.replace(/^.*\//, '');
}

/** `fromMicros`: leave out samples before that monotonic time (start-up, before the load). */
export function summarise(profile, top = 15, fromMicros = 0) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMs = new Map(profile.nodes.map((node) => [node.id, 0]));
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    at += dt;
    if (at >= fromMicros) selfMs.set(id, selfMs.get(id) + dt / 1000);
  });
  const total = [...selfMs.values()].reduce((a, b) => a + b, 0);
  const idle = [...selfMs].filter(([id]) => byId.get(id).callFrame.functionName === '(idle)');
  const busy = total - idle.reduce((a, [, ms]) => a + ms, 0);
  const owners = new Map();
  const functions = new Map();
  for (const [id, ms] of selfMs) {
    const { url, functionName, lineNumber } = byId.get(id).callFrame;
    if (functionName === '(idle)') continue;
    const owner = ownerOf(url, functionName);
    owners.set(owner, (owners.get(owner) ?? 0) + ms);
    const fn = `${functionName || '(anonymous)'} ${owner}:${lineNumber + 1}`;
    functions.set(fn, (functions.get(fn) ?? 0) + ms);
  }
  const table = (map) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => `| ${name} | ${((100 * ms) / busy).toFixed(1)} % |`);
  return [
    `Busy (not idle) ${(busy / 1000).toFixed(1)} s of ${(total / 1000).toFixed(1)} s sampled.`,
    '',
    '| self time by owner | share of busy |',
    '|---|---|',
    ...table(owners),
    '',
    '| function | share of busy |',
    '|---|---|',
    ...table(functions),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const profile = JSON.parse(readFileSync(process.argv[2], 'utf8'));
  process.stdout.write(`${summarise(profile, Number(process.argv[3] ?? 15))}\n`);
}
