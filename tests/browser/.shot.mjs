import { chromium } from '/work/wt-i14/tests/browser/node_modules/playwright-core/index.mjs';
import { pathToFileURL } from 'node:url';
const [file, w, out, y] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const ctx = await browser.newContext({ viewport: { width: Number(w), height: 1100 } });
const page = await ctx.newPage();
await page.goto(pathToFileURL(file).href + (y || ''));
await page.screenshot({ path: out });
await browser.close();
