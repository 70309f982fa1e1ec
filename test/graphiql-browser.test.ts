// GraphiQL as a person uses it: headless Chromium (Debian's package, driven by playwright-core)
// opens /graphql with no way out to the internet, enters the key in the Headers tab, runs a query
// and reads the answer on the page. `.ci/run` installs Chromium; without it this test is skipped.
import { existsSync } from 'node:fs';
import { parse, validate } from 'graphql';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WELCOME } from '../src/http/graphiql.ts';
import { schema } from '../src/schema/index.ts';
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

  it('loads offline, explains the Headers tab, runs its example and { viewer { name } }, keeps the key only on opt-in', async () => {
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

    // Monaco renders spaces as no-break spaces; what a person reads, with plain spaces.
    const shown = async (selector: string) =>
      // biome-ignore lint/performance/useDomNodeTextContent: the text as rendered, which is what a person reads
      (await page.locator(selector).first().innerText()).replace(/\s+/g, ' ');
    // The welcome text, as shown in the query editor: how to authenticate, and where a key comes from.
    const welcome = await shown('.graphiql-query-editor');
    expect(welcome).toContain('Open the "Headers" tab below and enter:');
    expect(welcome).toContain('{"Authorization": "Bearer <your API key>"}');
    expect(welcome).toContain('npm run create-admin -- --email you@example.com');
    expect(welcome).toContain('"Your first API key"');
    expect(welcome).toContain('query FirstSteps {');

    const setHeaders = async (text: string) => {
      await page.getByText('Headers', { exact: true }).first().click();
      await page.locator('.graphiql-editor-tool .monaco-editor').last().click();
      await page.keyboard.press('Control+A');
      await page.keyboard.press('Delete');
      await page.keyboard.insertText(text);
    };
    const run = async (expected: string) => {
      await page.locator('.graphiql-execute-button').click();
      await expect.poll(() => shown('.graphiql-response'), { timeout: 30_000 }).toContain(expected);
      return shown('.graphiql-response');
    };

    // The example query runs as it stands, once the key is in the Headers tab.
    await setHeaders(JSON.stringify({ Authorization: `Bearer ${adminKey}` }));
    const example = await run('"role": "ADMIN"');
    expect(example).toContain('"totalCount": 0');
    expect(example).not.toContain('"errors"');

    // The query editor: replace the welcome text.
    await page.locator('.graphiql-query-editor .monaco-editor').first().click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    // (Named like the example: GraphiQL remembers the operation it ran last.)
    await page.keyboard.insertText('query FirstSteps { viewer { name } }');
    await run('"name": "Grace Hopper"');

    // The key was not written to storage, and is gone after a reload.
    const storage = () => page.evaluate(() => JSON.stringify({ ...localStorage }));
    expect(await storage()).not.toContain(adminKey);
    await page.reload({ waitUntil: 'load' });
    await page.getByText('Headers', { exact: true }).first().waitFor({ timeout: 60_000 });
    expect(await storage()).not.toContain(adminKey);
    await page.getByText('Headers', { exact: true }).first().click();
    expect(await shown('.graphiql-editor-tool')).not.toContain(adminKey);

    // Unless the user opts in: "Persist headers" in the settings keeps it across reloads.
    await page.locator('[aria-label="Open settings dialog"]').click();
    await page.getByRole('dialog').getByRole('button', { name: 'On', exact: true }).click();
    await page
      .getByRole('dialog')
      .getByRole('button', { name: /Close dialog/ })
      .click();
    await setHeaders(JSON.stringify({ Authorization: `Bearer ${adminKey}` }));
    await run('"name": "Grace Hopper"');
    // GraphiQL saves its tabs a moment after a change.
    await expect.poll(storage, { timeout: 10_000 }).toContain(adminKey);
    await page.reload({ waitUntil: 'load' });
    await page.getByText('Headers', { exact: true }).first().waitFor({ timeout: 60_000 });
    expect(await storage()).toContain(adminKey);
    await page.getByText('Headers', { exact: true }).first().click();
    expect(await shown('.graphiql-editor-tool')).toContain(adminKey);

    expect(outside).toEqual([]);
    expect(problems.filter((p) => /Content Security Policy|Refused to/i.test(p))).toEqual([]);
    await page.close();
  });
});

// The welcome text's example query is valid against the schema as it is now (no browser needed).
describe('GraphiQL welcome text', () => {
  it('is a valid document for the schema', () => {
    expect(validate(schema, parse(WELCOME))).toEqual([]);
  });
});
