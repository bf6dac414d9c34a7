// Builds dist/ when it is missing, so helper commands (token) work on a fresh clone without
// rebuilding under a running service each time. Build output goes to stderr: callers read stdout.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (!existsSync(join(root, 'dist/main.js'))) {
  execFileSync('npm', ['run', 'build', '--silent'], {
    cwd: root,
    stdio: ['ignore', process.stderr, process.stderr],
  });
}
