import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { onCleanup } from './cleanup';
import { freePort } from './free-port';

/**
 * A redis-server of the test's own on a free port (no persistence), so a test can freeze it
 * (SIGSTOP: the socket stays open and nothing answers) and resume it. Never the shared one.
 */
export class PrivateRedis {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  /** On `port` when given (e.g. one a service was told about before Redis was up). */
  static async start(port?: number): Promise<PrivateRedis> {
    port ??= await freePort();
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    const redis = new PrivateRedis(child, port);
    onCleanup('private redis-server', () => redis.stop());
    await redis.listening();
    return redis;
  }

  /** Whether redis-server is installed (the tests that need one are skipped otherwise). */
  static available(): boolean {
    return spawnSync('redis-server', ['--version']).status === 0;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  freeze(): void {
    this.child.kill('SIGSTOP');
  }

  resume(): void {
    this.child.kill('SIGCONT');
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGKILL');
    await exited;
  }

  /** Resolves once the server accepts connections. */
  private async listening(): Promise<void> {
    for (const deadline = Date.now() + 10_000; Date.now() < deadline;) {
      const up = await new Promise<boolean>((resolve) => {
        const socket = connect(this.port, '127.0.0.1');
        socket.once('connect', () => (socket.destroy(), resolve(true)));
        socket.once('error', () => resolve(false));
      });
      if (up) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error('redis-server did not start');
  }
}
