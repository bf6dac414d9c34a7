import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { chromium, Browser } from 'playwright-core';
import { tokenFor } from '../support/auth';
import { makeUser } from '../support/factories';
import { createTestApp, TestApp } from '../support/test-app';

const CHROMIUM = '/usr/bin/chromium';
const withBrowser = existsSync(CHROMIUM) ? describe : describe.skip;
if (!existsSync(CHROMIUM)) console.warn(`${CHROMIUM} not found: Swagger UI browser test skipped`);

/** Swagger UI as an admin uses it: in a real (headless) browser, authorized with a token. */
withBrowser('Swagger UI in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-quic',
        '--no-first-run',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('authorizes with a session token and runs "Try it out" on GET /users/me', async () => {
    const user = await makeUser(t.db, { firstName: 'Swagger' });
    const page = await browser.newPage();
    await page.goto(`${baseUrl}/docs`);

    await page.click('button.authorize');
    await page.fill('.modal-ux input[type="text"]', tokenFor(user.id));
    await page.click('.modal-ux .auth-btn-wrapper button.authorize');
    await page.click('.modal-ux button.btn-done');

    const operation = page.locator('#operations-users-UsersController_me');
    await operation.locator('.opblock-summary').click();
    await operation.locator('button.try-out__btn').click();
    await operation.locator('button.execute').click();

    const status = operation.locator('.live-responses-table tbody .response-col_status').first();
    await status.waitFor();
    expect((await status.textContent())?.trim()).toBe('200');
    const body = await operation
      .locator('.live-responses-table tbody .microlight')
      .first()
      .textContent();
    expect(JSON.parse(body ?? '{}')).toMatchObject({ id: user.id, firstName: 'Swagger' });
  });
});
