// Shared pieces of the browser tests: Chromium launch, checks, screenshots,
// console-error collection.
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const webDir = path.resolve(here, '../../../web');
const require = createRequire(path.join(webDir, 'package.json'));
export const { chromium } = require('playwright-core');

export const BASE = process.env.HUJIAO_URL ?? 'http://127.0.0.1:8080';
export const ARTIFACTS = process.env.HUJIAO_ARTIFACTS ?? path.resolve(here, '../../../build/test-artifacts/web');
const CHROMIUM = process.env.HUJIAO_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'];
mkdirSync(ARTIFACTS, { recursive: true });

let checks = 0;
export function check(cond, what) {
  checks++;
  if (!cond) throw new Error(`check failed: ${what}`);
  console.log(`ok ${checks} - ${what}`);
}
export const checkCount = () => checks;

export const problems = [];
export function watch(page, who, allow = () => false) {
  page.on('pageerror', (e) => problems.push(`${who}: page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const url = m.location()?.url ?? '';
    if (allow(m.text(), url)) return;
    problems.push(`${who}: console error on ${page.url()}: ${m.text()} (${url})`);
  });
}

export async function shot(page, name) {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: false });
}

const dirs = [];
export const CHROMIUM_OPTIONS = { executablePath: CHROMIUM, headless: true, args: ARGS };
export async function launch(extra = {}) {
  const d = mkdtempSync(path.join(tmpdir(), 'hujiao-chromium-'));
  dirs.push(d);
  return chromium.launchPersistentContext(d, { ...CHROMIUM_OPTIONS, viewport: { width: 1366, height: 768 }, locale: 'en-US', ...extra });
}
export function cleanup() {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}

export async function login(page, username, password) {
  await page.goto(BASE + '/login');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

export async function api(method, p, token, body) {
  const r = await fetch(BASE + '/api/v1' + p, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
}

// Clicks (via `click(attempt)`) until a request whose URL ends with `urlEnd`
// leaves the page, then returns its response. A click that lands while an antd
// menu or modal is still animating can be lost under load; a request that did
// leave is never sent twice. `onRetry` puts the page back (e.g. Escape a menu).
export async function clickForResponse(page, click, urlEnd, { tries = 3, onRetry = async () => {} } = {}) {
  for (let i = 0; i < tries; i++) {
    const sent = page.waitForRequest((r) => r.url().endsWith(urlEnd), { timeout: 5000 }).catch(() => null);
    await click(i);
    const req = await sent;
    if (req) {
      const resp = await req.response();
      if (!resp) throw new Error(`${urlEnd}: the request failed (${req.failure()?.errorText})`);
      return resp;
    }
    console.log(`NOTE: no ${urlEnd} request 5 s after click ${i + 1}; clicking again`);
    await onRetry();
  }
  throw new Error(`no ${urlEnd} request after ${tries} clicks`);
}
