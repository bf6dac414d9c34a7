import { freePort } from '../support/free-port';
import { ServiceProcess } from '../support/service-process';

const ANSI_ESCAPE = '\u001b[';

/** In production every line the process writes is one JSON object, start-up failures included. */
describe('production logs when the start fails', () => {
  async function failedStart(env: Record<string, string>): Promise<ServiceProcess> {
    const service = ServiceProcess.spawn({ NODE_ENV: 'production', ...env });
    expect(await service.exited).toEqual({ code: 1, signal: null });
    expect(service.stderr).toEqual([]);
    expect(service.notJson).toEqual([]);
    expect(service.lines.some((line) => JSON.stringify(line).includes(ANSI_ESCAPE))).toBe(false);
    return service;
  }

  it('an unreachable database: JSON lines only, with database-init-failed, exit 1', async () => {
    const port = await freePort();
    const service = await failedStart({
      DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/postgres`,
    });
    expect(service.lines.find((line) => line.event === 'database-init-failed')).toMatchObject({
      err: { code: 'ECONNREFUSED' },
    });
  });

  it('an invalid variable: one JSON line naming it, exit 1', async () => {
    const service = await failedStart({ PORT: 'eighty' });
    expect(service.lines).toEqual([
      expect.objectContaining({
        event: 'config-invalid',
        problems: [expect.stringMatching(/^PORT="eighty": /) as string],
      }),
    ]);
  });
});
