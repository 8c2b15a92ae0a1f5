// Opens csceval's HTML reports in headless Chromium (Debian's, at
// $CHROMIUM or /usr/bin/chromium) and checks what a reader would meet:
//   - no console errors and no page errors;
//   - no request but the page itself (every other request is recorded and
//     aborted, so nothing leaves the machine even when a report is wrong);
//   - no horizontal overflow at 390 and 1366 px (scrollWidth <= innerWidth),
//     and no element wider than its container: at 1366 px nothing scrolls
//     sideways at all; at 390 px a table may scroll inside its own box only
//     when a visible cue says so (.scroll-cue);
//   - zero axe-core violations (axe-core pinned in package-lock.json);
//   - no estimate code name (word.word.word) in the text a reader sees,
//     except in small print (.key, small) and links to results.json;
//   - screenshots at both widths, and an A4 PDF, saved under --shots;
//   - structure for WCAG 2.1 AA: lang, title, one h1, no skipped heading
//     levels, captions on tables, named and described SVG charts, unique ids,
//     a working skip link, keyboard-focusable scroll regions, and text
//     contrast of at least 4.5:1 (3:1 for large text);
//   - print: at A4 text width under print media nothing overflows.
// Usage: node check.mjs --shots DIR --summary FILE page.html...
//        node check.mjs --expect-fail fixture.html   (the checker must catch it)
// Appends "browser <passed> <failed>" to the summary file.
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const args = process.argv.slice(2);
let shots = 'tests/out/screenshots';
let summary = null;
const pages = [];
const expectFail = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--shots') shots = args[++i];
  else if (args[i] === '--summary') summary = args[++i];
  else if (args[i] === '--expect-fail') expectFail.push(args[++i]);
  else pages.push(args[i]);
}
mkdirSync(shots, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  // no sandbox: CI runs as root, where Chromium's sandbox refuses to start
  args: ['--no-sandbox', '--disable-gpu', '--font-render-hinting=none'],
});

let passed = 0;
let failed = 0;
// Count one check; quiet (the self-test's fixture) only reports the outcome.
function result(name, problems, quiet) {
  if (quiet) return problems.length === 0;
  if (problems.length === 0) { passed++; return true; }
  failed++;
  console.log(`FAIL browser/${name}`);
  for (const p of problems.slice(0, 12)) console.log(`    ${p}`);
  return false;
}

// A short name for screenshots: out/<id>/report.html -> <id>, out/index.html -> index.
function shortName(file) {
  const b = basename(file, '.html');
  return b === 'report' ? basename(dirname(file)) : b;
}

const WIDTHS = [390, 1366];
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

async function openPage(file, width, media, bypassCSP) {
  const url = pathToFileURL(resolve(file)).href;
  // bypassCSP only for the axe-core run: the reports' policy forbids every
  // script, and axe is injected as one
  const context = await browser.newContext({ viewport: { width, height: 900 }, deviceScaleFactor: 1,
    bypassCSP: !!bypassCSP });
  const page = await context.newPage();
  const errors = [];
  const external = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  await page.route('**', (route) => {
    const u = route.request().url();
    if (u === url) return route.continue();
    external.push(u);
    return route.abort();
  });
  if (media) await page.emulateMedia({ media });
  await page.goto(url, { waitUntil: 'load' });
  return { page, context, errors, external };
}

async function overflow(page) {
  return page.evaluate(() => {
    const sw = document.documentElement.scrollWidth;
    const iw = window.innerWidth;
    if (sw <= iw) return null;
    // name the widest culprit to make the failure useful
    let worst = null;
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.right > iw + 0.5 && (!worst || r.right > worst.r)) worst = { r: r.right, tag: el.tagName.toLowerCase(), cls: el.className };
    }
    return `page is ${sw} px wide in a ${iw} px window` + (worst ? ` (widest: <${worst.tag} class="${worst.cls}">)` : '');
  });
}

// No element wider than its container.  A box that scrolls sideways
// (overflow-x auto or scroll, content wider than it) is allowed only when
// allowScroll is true and a visible .scroll-cue sits just before it; at
// desktop width nothing may scroll.  Inside SVG charts nothing is measured
// (they scale as one image).
function containers(allowScroll) {
  const problems = [];
  const name = (el) => `<${el.tagName.toLowerCase()}${el.id ? ' id="' + el.id + '"' : ''}${el.className && typeof el.className === 'string' ? ' class="' + el.className + '"' : ''}>`;
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('svg') && el.tagName.toLowerCase() !== 'svg') continue;
    const st = getComputedStyle(el);
    if (st.display === 'none') continue;
    // out of the flow (visually hidden headers, the skip link): skipped with everything inside
    let outOfFlow = false;
    for (let a = el; a && a !== document.body; a = a.parentElement) {
      const pos = getComputedStyle(a).position;
      if (pos === 'absolute' || pos === 'fixed') { outOfFlow = true; break; }
    }
    if (outOfFlow) continue;
    const r = el.getBoundingClientRect();
    if (r.width <= 1 && r.height <= 1) continue;
    const scrolls = (st.overflowX === 'auto' || st.overflowX === 'scroll') && el.scrollWidth > el.clientWidth + 1;
    if (scrolls) {
      const cue = el.previousElementSibling;
      const cueShown = cue && cue.classList.contains('scroll-cue') && getComputedStyle(cue).display !== 'none';
      if (!allowScroll) problems.push(`${name(el)} scrolls sideways (${el.scrollWidth} px of content in ${el.clientWidth} px)`);
      else if (!cueShown) problems.push(`${name(el)} scrolls sideways with no visible cue`);
      continue;
    }
    const parent = el.parentElement;
    if (!parent || parent === document.documentElement) continue;
    const ps = getComputedStyle(parent);
    if (ps.overflowX === 'auto' || ps.overflowX === 'scroll') continue;   // inside a scroll box
    if (ps.display === 'inline' || ps.display === 'contents') continue;
    const pr = parent.getBoundingClientRect();
    if (r.right > pr.right + 1 || r.left < pr.left - 1) {
      problems.push(`${name(el)} (${Math.round(r.width)} px) is wider than its container ${name(parent)} (${Math.round(pr.width)} px)`);
    }
  }
  return problems;
}

// Estimate code names (referrals.level_change.x: word.word.word) in what a
// reader sees; small print (.key, small), links to results.json, code
// elements holding file paths and hidden text do not count.
function codeNames() {
  const problems = [];
  const re = /\b[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*\.[a-z0-9_]+\b/i;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const m = node.textContent.match(re);
    if (!m) continue;
    const el = node.parentElement;
    if (!el || el.closest('.key, small, a[href$="results.json"]')) continue;
    if (/^(www\.|[\w-]+\.(gov|org|co|ac)\.uk)/i.test(m[0])) continue;    // a web address, not a code name
    problems.push(`"${m[0]}" in "${node.textContent.trim().slice(0, 80)}"`);
  }
  return problems;
}

async function axe(file, width) {
  const { page, context } = await openPage(file, width, null, true);
  await page.evaluate(axeSource);
  const res = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.help} - ${v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join('; ')}`);
  });
  await context.close();
  return res;
}

// Structure checks run in the page; they return a list of problems.
function structure() {
  const problems = [];
  const html = document.documentElement;
  if (html.getAttribute('lang') !== 'en') problems.push('html has no lang="en"');
  if (!document.title.trim()) problems.push('empty <title>');
  const h1 = document.querySelectorAll('h1');
  if (h1.length !== 1) problems.push(`${h1.length} h1 elements, expected 1`);
  let prev = 0;
  for (const h of document.querySelectorAll('h1, h2, h3, h4, h5, h6')) {
    const level = Number(h.tagName[1]);
    if (prev && level > prev + 1) problems.push(`heading "${h.textContent.trim()}" jumps from h${prev} to h${level}`);
    if (!h.textContent.trim()) problems.push('empty heading');
    prev = level;
  }
  for (const t of document.querySelectorAll('table')) {
    const cap = t.querySelector(':scope > caption');
    if (!cap || !cap.textContent.trim()) problems.push('a table has no caption');
    if (!t.querySelector('th')) problems.push('a table has no header cells');
  }
  const ids = new Map();
  for (const el of document.querySelectorAll('[id]')) ids.set(el.id, (ids.get(el.id) || 0) + 1);
  for (const [id, n] of ids) if (n > 1) problems.push(`id "${id}" is used ${n} times`);
  for (const svg of document.querySelectorAll('svg')) {
    if (svg.parentElement.closest('svg')) continue;
    const label = svg.getAttribute('aria-labelledby');
    const name = svg.getAttribute('aria-label');
    if (svg.getAttribute('role') !== 'img') problems.push('an svg has no role="img"');
    if (label) {
      for (const id of label.split(/\s+/)) {
        const el = document.getElementById(id);
        if (!el || !el.textContent.trim()) problems.push(`svg aria-labelledby points at missing or empty #${id}`);
      }
      if (!svg.querySelector(':scope > title') || !svg.querySelector(':scope > desc')) problems.push('an svg lacks <title> or <desc>');
    } else if (!name) problems.push('an svg has no accessible name');
  }
  for (const a of document.querySelectorAll('a[href^="#"]')) {
    const id = decodeURIComponent(a.getAttribute('href').slice(1));
    if (id && !document.getElementById(id)) problems.push(`link to missing #${id}`);
  }
  for (const img of document.querySelectorAll('img')) if (!img.hasAttribute('alt')) problems.push('img without alt');
  const first = document.querySelector('a, button, input, [tabindex]');
  if (!first || !first.classList.contains('skip-link') || first.getAttribute('href') !== '#main') {
    problems.push('the first focusable element is not a skip link to #main');
  }
  if (!document.querySelector('main#main')) problems.push('no <main id="main">');
  return problems;
}

// WCAG relative luminance and contrast of each text-bearing element against
// the first opaque background behind it.
function contrast() {
  const problems = [];
  const parse = (c) => {
    const m = c.match(/rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)/);
    return m ? [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])] : null;
  };
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c[3] >= 1) return c;
    }
    return [255, 255, 255, 1];
  };
  const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.textContent.trim()) continue;
    const el = node.parentElement;
    if (!el || seen.has(el) || el.closest('svg')) continue;   // chart colours are checked in the Lua tests
    seen.add(el);
    const st = getComputedStyle(el);
    if (st.visibility === 'hidden' || st.display === 'none' || el.getClientRects().length === 0) continue;
    const r = el.getBoundingClientRect();
    if (r.width <= 1 && r.height <= 1) continue;              // visually hidden text
    const fg = parse(st.color);
    if (!fg) continue;
    const bg = background(el);
    const a = fg[3];
    const mix = [0, 1, 2].map((i) => fg[i] * a + bg[i] * (1 - a));
    const l1 = lum(mix);
    const l2 = lum(bg);
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    const size = parseFloat(st.fontSize);
    const bold = Number(st.fontWeight) >= 700;
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < need) problems.push(`contrast ${ratio.toFixed(2)}:1 < ${need}:1 for "${node.textContent.trim().slice(0, 40)}"`);
  }
  return problems;
}

// Scroll regions must be reachable by keyboard (WCAG 2.1.1), and the skip
// link must be the first Tab stop.
async function keyboard(page) {
  const problems = await page.evaluate(() => {
    const out = [];
    for (const el of document.querySelectorAll('*')) {
      const st = getComputedStyle(el);
      if ((st.overflowX === 'auto' || st.overflowX === 'scroll') && el.scrollWidth > el.clientWidth + 1) {
        if (el.tabIndex < 0) out.push(`a scrolling <${el.tagName.toLowerCase()} class="${el.className}"> cannot take focus`);
        if (!el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby')) out.push('a scrolling region has no name');
      }
    }
    return out;
  });
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.className);
  if (focused !== 'skip-link') problems.push(`first Tab focuses "${focused}", not the skip link`);
  return problems;
}

// Runs every check on one page; returns how many checks ran and failed.
async function checkPage(file, quiet) {
  const name = shortName(file);
  let total = 0;
  let bad = 0;
  const count = (ok) => { total++; if (!ok) bad++; };
  for (const width of WIDTHS) {
    const { page, context, errors, external } = await openPage(file, width);
    const problems = [...errors, ...external.map((u) => `request to ${u}`)];
    count(result(`${name}@${width}: no console errors, no requests`, problems, quiet));
    const ov = await overflow(page);
    count(result(`${name}@${width}: no horizontal overflow`, ov ? [ov] : [], quiet));
    count(result(`${name}@${width}: no element wider than its container`,
      await page.evaluate(containers, width < 600), quiet));
    if (!quiet) await page.screenshot({ path: `${shots}/${name}-${width}.png`, fullPage: true });
    if (width === WIDTHS[0]) count(result(`${name}@${width}: keyboard`, await keyboard(page), quiet));
    if (width === WIDTHS[1]) {
      count(result(`${name}: structure`, await page.evaluate(structure), quiet));
      count(result(`${name}: contrast`, await page.evaluate(contrast), quiet));
      count(result(`${name}: no estimate code names in the text`, await page.evaluate(codeNames), quiet));
    }
    await context.close();
    count(result(`${name}@${width}: axe-core, zero violations`, await axe(file, width), quiet));
  }
  // Print: A4 is 210 mm wide; less 15 mm margins each side leaves 180 mm = 680 px.
  const { page, context } = await openPage(file, 680, 'print');
  const ov = await overflow(page);
  count(result(`${name}: prints within A4 width`, ov ? [ov] : [], quiet));
  if (!quiet) await page.pdf({ path: `${shots}/${name}.pdf`, format: 'A4', printBackground: true, preferCSSPageSize: true });
  await context.close();
  return { total, bad };
}

for (const file of pages) await checkPage(file, false);
for (const file of expectFail) {
  // The fixture breaks every rule; this case passes only if every check
  // notices, which shows each check above can fail.
  const { total, bad } = await checkPage(file, true);
  result(`self-test ${basename(file)}: every check catches the broken page`,
    bad === total ? [] : [`only ${bad} of ${total} checks failed on it`], false);
}
await browser.close();

if (summary) {
  mkdirSync(dirname(summary), { recursive: true });
  appendFileSync(summary, `browser ${passed} ${failed}\n`);
}
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
