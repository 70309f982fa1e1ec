// `node scripts/graphiql-check.mjs <graphql url> <api key>`: what a newcomer does in GraphiQL, in
// headless Chromium: open the page, put the key in the Headers tab, run { viewer { name } }, read
// the answer. Fails when the page asks anything of another server. Used by newcomer-replay.sh; the
// test suite's version is test/graphiql-browser.test.ts. Plain JavaScript: it runs before any build.
import { chromium } from 'playwright-core';

const [url, key] = process.argv.slice(2);
if (!url || !key) {
  console.error('usage: node scripts/graphiql-check.mjs <graphql url> <api key>');
  process.exit(2);
}
const origin = new URL(url).origin;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
try {
  const page = await browser.newPage();
  const outside = [];
  page.on('request', (request) => {
    const target = request.url();
    if (!target.startsWith(origin) && !/^(blob|data):/.test(target)) outside.push(target);
  });
  await page.goto(url, { waitUntil: 'load' });
  await page.getByText('Headers', { exact: true }).first().waitFor({ timeout: 60_000 });
  await page.locator('.graphiql-query-editor .monaco-editor').first().click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText('query FirstSteps { viewer { name } }');
  await page.getByText('Headers', { exact: true }).first().click();
  await page.locator('.graphiql-editor-tool .monaco-editor').last().click();
  await page.keyboard.insertText(JSON.stringify({ Authorization: `Bearer ${key}` }));
  await page.locator('.graphiql-execute-button').click();
  const deadline = Date.now() + 30_000;
  let shown = '';
  while (!/"name":/.test(shown) && Date.now() < deadline) {
    await page.waitForTimeout(200);
    // biome-ignore lint/performance/useDomNodeTextContent: the text as rendered, which is what a person reads
    shown = (await page.locator('.graphiql-response').innerText()).replace(/\s+/g, ' ');
  }
  if (!/"viewer": \{ "name": /.test(shown)) throw new Error(`GraphiQL showed: ${shown.slice(0, 500)}`);
  if (outside.length > 0) throw new Error(`GraphiQL asked other servers: ${outside.join(', ')}`);
  console.log(`GraphiQL answered: ${shown.slice(0, 120)}`);
} finally {
  await browser.close();
}
