import { ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { testPublicKey } from './auth';
import { onCleanup } from './cleanup';

const ROOT = join(__dirname, '..', '..');

export interface LogLine {
  msg?: string;
  event?: string;
  port?: number;
  [key: string]: unknown;
}

/**
 * The production build (`node dist/main`) as a child process, as it runs in deployment.
 * The global setup builds dist/ once per run.
 */
export class ServiceProcess {
  readonly lines: LogLine[] = [];
  /** stdout lines that are not one JSON object, and everything written to stderr. */
  readonly notJson: string[] = [];
  readonly stderr: string[] = [];
  private waiters: { match: (line: LogLine) => boolean; resolve: (line: LogLine) => void }[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  port = 0;

  private constructor(readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (text) => {
      const parsed = parseLogLine(text);
      if (!parsed) this.notJson.push(text);
      const line = parsed ?? { msg: text };
      this.lines.push(line);
      this.waiters = this.waiters.filter((w) => (w.match(line) ? (w.resolve(line), false) : true));
    });
    createInterface({ input: child.stderr! }).on('line', (text) => this.stderr.push(text));
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
  }

  /** `env` overrides the defaults below; a variable set to undefined is left out. */
  static async start(env: Record<string, string | undefined>): Promise<ServiceProcess> {
    const service = ServiceProcess.spawn(env);
    const ready = await Promise.race([
      service.waitFor((line) => line.event === 'ready'),
      service.exited.then(({ code }) => {
        throw new Error(`service exited with ${code} before it was ready`);
      }),
    ]);
    service.port = Number(ready.port);
    return service;
  }

  /** Starts the process without waiting for it to be ready (start-up failures). */
  static spawn(env: Record<string, string | undefined>): ServiceProcess {
    const child = spawn(process.execPath, ['dist/main'], {
      cwd: ROOT,
      env: withoutUndefined({
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        PORT: '0',
        LOG_LEVEL: 'info',
        RATE_LIMIT_PER_MINUTE: '0',
        CLERK_JWT_KEY: testPublicKey(),
        ...env,
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const service = new ServiceProcess(child);
    onCleanup('service process', () => service.stop());
    return service;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  waitFor(match: (line: LogLine) => boolean): Promise<LogLine> {
    const seen = this.lines.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  /** Whether the process is still running (a crash must fail the test that caused it). */
  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  stop(): Promise<unknown> {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
    return this.exited;
  }
}

/** One JSON object per line, as pino writes them; undefined for anything else. */
function parseLogLine(text: string): LogLine | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as LogLine)
      : undefined;
  } catch {
    return undefined;
  }
}

const withoutUndefined = (env: Record<string, string | undefined>) =>
  Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined));
