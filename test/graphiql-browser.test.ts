// GraphiQL as a person uses it: headless Chromium (Debian's package, driven by playwright-core)
// opens /graphql with no way out to the internet, enters the key in the Headers tab, runs a query
// and reads the answer on the page. `.ci/run` installs Chromium; without it this test is skipped.
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from './helpers.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const adminKey = '0123456789abcdef0123456789abcdef0123beef';

describe.skipIf(!existsSync(CHROMIUM))(`GraphiQL in headless Chromium (${CHROMIUM})`, () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;

  beforeAll(async () => {
    server = await startTestServer({ HELPDESK_ADMIN_EMAIL: 'grace@example.com', HELPDESK_ADMIN_API_KEY: adminKey });
    await server.app.db.prisma.agent.update({
      where: { email: 'grace@example.com' },
      data: { firstName: 'Grace', lastName: 'Hopper' },
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('loads offline, takes the key in the Headers tab, runs { viewer { name } } and shows the answer', async () => {
    const base = server.base;
    const page = await browser.newPage();
    const outside: string[] = [];
    const problems: string[] = [];
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(base) && !url.startsWith('blob:') && !url.startsWith('data:')) outside.push(url);
    });
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));

    const response = await page.goto(`${base}/graphql`, { waitUntil: 'load' });
    expect(response?.headers()['content-security-policy']).toMatch(/script-src 'sha256-/);
    // The schema loaded through anonymous introspection: the docs explorer button is there.
    await page.getByText('Headers', { exact: true }).first().waitFor({ timeout: 60_000 });
    expect(await page.title()).toBe('Helpdesk API');
    expect(await page.content()).toContain('Your first API key');

    // The query editor: replace the welcome text.
    const editors = page.locator('.graphiql-editor .monaco-editor');
    await editors.first().click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText('{ viewer { name } }');

    // The Headers tab.
    await page.getByText('Headers', { exact: true }).first().click();
    const headersEditor = page.locator('.graphiql-editor-tool .monaco-editor').last();
    await headersEditor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(JSON.stringify({ Authorization: `Bearer ${adminKey}` }));

    await page.locator('.graphiql-execute-button').click();
    const result = page.locator('.graphiql-response');
    // Monaco renders spaces as no-break spaces.
    await expect
      // biome-ignore lint/performance/useDomNodeTextContent: the text as rendered, which is what a person reads
      .poll(async () => (await result.innerText()).replace(/\s+/g, ' '), { timeout: 30_000 })
      .toContain('"name": "Grace Hopper"');

    expect(outside).toEqual([]);
    expect(problems.filter((p) => /Content Security Policy|Refused to/i.test(p))).toEqual([]);
    // The key was not written to storage.
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }));
    expect(stored).not.toContain(adminKey);
    await page.close();
  });
});
