// The web console in Debian's headless Chromium against a running hujiaod
// (started by test_web_console.py). Env: HUJIAO_URL, HUJIAO_ADMIN_PASSWORD,
// HUJIAO_ARTIFACTS (screenshots), HUJIAO_CHROMIUM (default /usr/bin/chromium).
// Exits non-zero on the first failed check or on any unexpected console error.
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureDesktop } from './perf.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const webDir = path.resolve(here, '../../../web');
const require = createRequire(path.join(webDir, 'package.json'));
const { chromium } = require('playwright-core');

const BASE = process.env.HUJIAO_URL ?? 'http://127.0.0.1:8080';
const ADMIN_PASSWORD = process.env.HUJIAO_ADMIN_PASSWORD;
const ARTIFACTS = process.env.HUJIAO_ARTIFACTS ?? path.resolve(here, '../../../test-artifacts/web');
const CHROMIUM = process.env.HUJIAO_CHROMIUM ?? '/usr/bin/chromium';
const VIEWPORT = { width: 1366, height: 768 };
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
// Endpoints of the contact-center issues (IVR, ACD/CTI, records/reports) may not exist yet on
// the server under test: their 404 (route missing) or 503 (service not running) is expected,
// and every page shows it as "not available". Any other failing request is a problem.
const NOT_YET = /\/api\/v1\/(queues|agents|agent-reasons|dispositions|interactions|supervisor|flows|blacklist|notices|voicemails|callbacks|webhooks|recordings|recording-policy|qa|reports|staffing)(\/|\?|$)/;
// Every page of the console (path, heading in English, heading in Chinese).
const PAGES = [
  ['/desktop', 'Agent desktop', '坐席工作台'],
  ['/my/recordings', 'My recordings', '我的录音'],
  ['/wallboard', 'Wallboard', '监控大屏'],
  ['/center/queues', 'Queues', '队列'],
  ['/center/agents', 'Agents', '坐席'],
  ['/center/flows', 'IVR flows', 'IVR 流程'],
  ['/center/blacklist', 'Blacklist', '黑名单'],
  ['/center/notices', 'Notices', '公告'],
  ['/telephony/extensions', 'Extensions', '分机'],
  ['/telephony/trunks', 'Trunks', '中继'],
  ['/telephony/dids', 'Inbound numbers', '呼入号码'],
  ['/telephony/dial-rules', 'Dial rules', '拨号规则'],
  ['/records/recordings', 'Recordings', '录音'],
  ['/records/cdrs', 'Call records', '通话记录'],
  ['/records/reports', 'Reports', '报表'],
  ['/records/staffing', 'Staffing planner (Erlang C)', '排班测算（Erlang C）'],
  ['/admin/users', 'Users', '用户'],
  ['/admin/departments', 'Departments', '部门'],
  ['/admin/roles', 'Roles', '角色'],
  ['/admin/audit', 'Audit log', '审计日志'],
  ['/admin/webhooks', 'Webhooks', 'Webhook 回调'],
];

if (!ADMIN_PASSWORD) throw new Error('HUJIAO_ADMIN_PASSWORD is required');
mkdirSync(ARTIFACTS, { recursive: true });

let checks = 0;
function check(cond, what) {
  checks++;
  if (!cond) throw new Error(`check failed: ${what}`);
  console.log(`ok ${checks} - ${what}`);
}

const problems = [];
let expectStatus = null; // {status, re}: one expected failing request (e.g. a wrong password)

function watch(page, who) {
  page.on('pageerror', (e) => problems.push(`${who}: page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const url = m.location()?.url ?? '';
    const text = m.text();
    const res = /status of (\d{3})/.exec(text);
    if (res && (res[1] === '404' || res[1] === '503') && NOT_YET.test(url)) return;
    if (res && expectStatus && String(expectStatus.status) === res[1] && expectStatus.re.test(url)) return;
    problems.push(`${who}: console error on ${page.url()}: ${text} (${url})`);
  });
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: false });
}

/** Clicks an option of the open antd Select dropdown. */
async function pickOption(page, title) {
  await page.locator(`.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option[title="${title}"]`).first().click();
}

/** True when the page says its API is not on this server (404/503), as NotAvailable renders it. */
async function notAvailable(page) {
  return (await page.getByText(/is not available on this server yet|此服务器尚未提供/).count()) > 0;
}

/** Controls without an accessible name (a simplified accessible-name check). */
async function unnamedControls(page) {
  return page.evaluate(() => {
    const sel = 'button, a[href], input:not([type=hidden]), select, textarea, [role=button], [role=switch], [role=checkbox], [role=combobox], [role=tab], [role=menuitem]';
    const out = [];
    const text = (el) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
    for (const el of document.querySelectorAll(sel)) {
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (r.width === 0 || r.height === 0 || style.visibility === 'hidden' || el.closest('[aria-hidden=true]')) continue;
      let name = el.getAttribute('aria-label') || '';
      if (!name && el.getAttribute('aria-labelledby'))
        name = el.getAttribute('aria-labelledby').split(/\s+/).map((id) => text(document.getElementById(id))).join(' ');
      if (!name && el.id) name = text(document.querySelector(`label[for="${CSS.escape(el.id)}"]`));
      if (!name) name = text(el.closest('label'));
      if (!name && !['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName)) name = text(el);
      if (!name) name = [...el.querySelectorAll('[aria-label]')].map((c) => c.getAttribute('aria-label')).join(' ');
      if (!name) name = el.getAttribute('title') || el.getAttribute('placeholder') || el.getAttribute('alt') || '';
      // antd's Select puts the label on the wrapper's search input via its id.
      if (!name && el.closest('.ant-select')) {
        const input = el.closest('.ant-select').querySelector('input[id]');
        if (input) name = text(document.querySelector(`label[for="${CSS.escape(input.id)}"]`)) || input.getAttribute('aria-label') || '';
      }
      if (!name.trim()) out.push(el.outerHTML.slice(0, 160));
    }
    return out;
  });
}

async function pageChecks(page, name) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 0, `${name}: no horizontal scrolling at 1366x768 (overflow ${overflow}px)`);
  const unnamed = await unnamedControls(page);
  check(unnamed.length === 0, `${name}: every control has an accessible name${unnamed.length ? `; unnamed: ${unnamed.join(' | ')}` : ''}`);
}

async function login(page, username, password) {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

async function logout(page, name) {
  await page.getByRole('button', { name: `User menu for ${name}` }).hover();
  await page.getByRole('menuitem', { name: 'Log out' }).click();
  await page.getByRole('heading', { name: 'Log in' }).waitFor();
}

async function apiLogin(username, password) {
  const r = await fetch(`${BASE}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (r.status !== 200) throw new Error(`API login of ${username}: HTTP ${r.status}`);
  return (await r.json()).token;
}

const launch = (dir, extra = {}) =>
  chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: VIEWPORT,
    locale: 'en-US',
    ...extra,
  });

const dirs = [];
const freshDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'hujiao-chromium-'));
  dirs.push(d);
  return d;
};

const started = Date.now();
const suffix = Date.now().toString(36).slice(-5);
const agentName = `agent_${suffix}`;
const agentPassword = 'Agent-pass-1234';
let ctx;
try {
  ctx = await launch(freshDir());
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  watch(page, 'admin');

  // --- login page, wrong password, admin login
  await page.goto(BASE + '/');
  await page.getByRole('heading', { name: 'Log in' }).waitFor();
  check(page.url().endsWith('/login'), 'an anonymous visitor is sent to /login');
  await pageChecks(page, 'login');
  await shot(page, '01-login-en');
  expectStatus = { status: 401, re: /\/api\/v1\/auth\/login$/ };
  await login(page, 'admin', 'wrong-password');
  const alert = page.getByRole('alert');
  await alert.waitFor();
  check(/Wrong username or password/.test(await alert.innerText()), 'a wrong password shows the server error, translated');
  expectStatus = null;
  await login(page, 'admin', ADMIN_PASSWORD);
  await page.getByRole('heading', { name: 'Wallboard' }).waitFor();
  check(page.url().endsWith('/wallboard'), 'the admin lands on the wallboard');

  // --- wallboard: live connection, queues 404 shown cleanly
  await page.getByTestId('ws-status').getByText('Live').waitFor({ timeout: 10_000 });
  check(true, 'the WebSocket event stream is connected');
  const queuesText = await page.locator('main').innerText();
  check(/No queues yet|Waiting/.test(queuesText), 'the wallboard shows "No queues yet" (or real queue cards)');
  await page.getByText('Last health report').waitFor({ timeout: 15_000 });
  check(true, 'a live health event reached the wallboard');
  await pageChecks(page, 'wallboard');
  await shot(page, '02-wallboard');

  // --- users: create an agent
  await page.getByRole('menuitem', { name: 'Users' }).click();
  await page.getByRole('heading', { name: 'Users' }).waitFor();
  await page.getByRole('row', { name: /admin/ }).first().waitFor();
  await pageChecks(page, 'users');
  await page.getByRole('button', { name: 'New user' }).click();
  const dlg = page.getByRole('dialog');
  await dlg.getByLabel('Username').fill(agentName);
  await dlg.getByLabel('Password').fill(agentPassword);
  await dlg.getByLabel('Display name').fill('Agent Li');
  await dlg.getByLabel('Roles').click();
  await page.locator('.ant-select-item-option[title="agent"]').click();
  await dlg.getByText('New user', { exact: true }).click(); // closes the dropdown
  await shot(page, '03-user-create');
  await dlg.getByRole('button', { name: 'Save' }).click();
  await page.getByText(`User ${agentName} created`).waitFor();
  await page.getByLabel('Search users').fill(agentName);
  await page.getByLabel('Search users').press('Enter');
  const row = page.getByRole('row', { name: new RegExp(agentName) });
  await row.waitFor();
  check(/agent/.test(await row.innerText()) && /Enabled/.test(await row.innerText()), 'the new agent is listed, enabled, with the agent role');
  await shot(page, '04-users');

  // --- departments
  await page.getByRole('menuitem', { name: 'Departments' }).click();
  await page.getByRole('button', { name: 'New department' }).click();
  await page.getByLabel('Name', { exact: true }).fill(`Sales ${suffix}`);
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText(`Department Sales ${suffix} created`).waitFor();
  await page.getByRole('tree').getByText(`Sales ${suffix}`).waitFor();
  check(true, 'a department is created and shown in the tree');
  await pageChecks(page, 'departments');
  await shot(page, '05-departments');

  // --- roles: permission checkboxes from the catalogue
  await page.getByRole('menuitem', { name: 'Roles' }).click();
  await page.getByRole('row', { name: /supervisor/ }).getByRole('button', { name: 'View' }).click();
  const roleDlg = page.getByRole('dialog');
  await roleDlg.getByRole('checkbox', { name: 'users.write' }).waitFor();
  check(await roleDlg.getByRole('checkbox', { name: 'users.write' }).isChecked(), 'the supervisor role shows users.write checked');
  check(!(await roleDlg.getByRole('checkbox', { name: 'system.admin' }).isChecked()), 'the supervisor role shows system.admin unchecked');
  await shot(page, '06-role');
  await roleDlg.locator('.ant-modal-footer').getByRole('button', { name: 'Close' }).click();
  await pageChecks(page, 'roles');

  // --- audit: the user creation with its before/after diff
  await page.getByRole('menuitem', { name: 'Audit log' }).click();
  await page.getByRole('heading', { name: 'Audit log' }).waitFor();
  // Expand entries about users until the one that created the agent shows its diff.
  await page.getByRole('row', { name: /users/ }).first().waitFor();
  let found = false;
  const userRows = page.getByRole('row', { name: /users/ });
  for (let i = 0; i < Math.min(5, await userRows.count()) && !found; i++) {
    await userRows.nth(i).getByRole('button', { name: /expand/i }).click();
    const diff = page.getByRole('group', { name: 'Changes' }).last();
    await diff.waitFor({ timeout: 2000 }).catch(() => undefined);
    found = (await page.getByRole('cell', { name: agentName, exact: true }).count()) > 0;
  }
  check(found, 'the audit entry of the user creation expands into a before/after diff naming the agent');
  await pageChecks(page, 'audit');
  await shot(page, '07-audit');

  // --- language switch
  await page.getByText('中文', { exact: true }).click();
  await page.getByRole('heading', { name: '审计日志' }).waitFor();
  check(await page.getByRole('menuitem', { name: '用户' }).isVisible(), 'switching to Chinese translates the menu and the page');
  await shot(page, '08-audit-zh');
  await page.reload();
  await page.getByRole('heading', { name: '审计日志' }).waitFor();
  check(true, 'the language choice survives a reload');
  await page.getByText('English', { exact: true }).click();
  await page.getByRole('heading', { name: 'Audit log' }).waitFor();

  // --- telephony administration against the real API: an extension and a DID to it
  const extNumber = String(1900 + Math.floor(Math.random() * 90));
  await page.goto(BASE + '/telephony/extensions');
  await page.getByRole('heading', { name: 'Extensions' }).waitFor();
  await page.getByRole('button', { name: 'New' }).click();
  const extDlg = page.getByRole('dialog');
  await extDlg.getByLabel('Number', { exact: true }).fill(extNumber);
  await extDlg.getByLabel('SIP password').fill('Ext-pass-12345');
  await extDlg.getByLabel('Display name').fill('Agent Li desk');
  await extDlg.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('row', { name: new RegExp(`\\b${extNumber}\\b.*Agent Li desk`) }).waitFor();
  check(true, `an extension (${extNumber}) is created from the Extensions page and listed`);
  await page.goto(BASE + '/telephony/dids');
  await page.getByRole('heading', { name: 'Inbound numbers' }).waitFor();
  await page.getByRole('button', { name: 'New' }).click();
  const didDlg = page.getByRole('dialog');
  await didDlg.getByLabel('Number', { exact: true }).fill(`88${extNumber}`);
  await didDlg.getByRole('combobox', { name: 'Goes to' }).click();
  await pickOption(page, 'Extension');
  await didDlg.getByRole('combobox', { name: 'Extension', exact: true }).click();
  await pickOption(page, extNumber);
  await didDlg.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('row', { name: new RegExp(`88${extNumber}.*Extension.*${extNumber}`) }).waitFor();
  check(true, 'a DID routed to that extension is created from the DIDs page');
  await shot(page, '07b-dids');

  // --- the new user as an agent: his extension on the Agents page (ACD API)
  await page.goto(BASE + '/center/agents');
  await page.getByRole('heading', { name: 'Agents' }).waitFor();
  await page.waitForLoadState('networkidle');
  if (await notAvailable(page)) {
    console.log('NOTE: /api/v1/agents is not on this server: the agent\'s extension could not be set (shown as "not available")');
  } else {
    // The new user becomes an agent: "New" on the Agents page picks the user and his extension.
    await page.getByRole('button', { name: 'New' }).click();
    const aDlg = page.getByRole('dialog');
    await aDlg.getByRole('combobox', { name: 'User', exact: true }).click();
    await pickOption(page, agentName);
    await aDlg.getByRole('combobox', { name: 'Extension', exact: true }).click();
    await pickOption(page, extNumber);
    await aDlg.getByLabel('Skills').fill('general:3, 中文:5');
    await aDlg.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('row', { name: new RegExp(`${agentName}.*${extNumber}.*general:3`) }).waitFor();
    await shot(page, '07d-agents');
    check(true, `the admin makes ${agentName} an agent on extension ${extNumber} with skills on the Agents page`);

    // A queue with a required skill, and the new agent as its member.
    await page.goto(BASE + '/center/queues');
    await page.getByRole('heading', { name: 'Queues' }).waitFor();
    await page.getByRole('button', { name: 'New' }).click();
    const qDlg = page.getByRole('dialog');
    await qDlg.getByLabel('Queue id').fill(`sales_${suffix}`);
    await qDlg.getByLabel('Name', { exact: true }).fill(`Sales ${suffix}`);
    await qDlg.getByRole('combobox', { name: 'Strategy' }).click();
    await pickOption(page, 'Longest idle');
    await qDlg.getByLabel('Required skills').fill('general:2');
    await qDlg.getByRole('button', { name: 'Save' }).click();
    const qRow = page.getByRole('row', { name: new RegExp(`Sales ${suffix}.*Longest idle.*general:2`) });
    await qRow.waitFor();
    await qRow.getByRole('button', { name: `Members of Sales ${suffix}` }).click();
    const drawer = page.getByRole('dialog', { name: `Members of Sales ${suffix}` });
    await drawer.getByRole('combobox', { name: 'Agent' }).click();
    await pickOption(page, 'Agent Li');
    await drawer.getByRole('button', { name: 'Add' }).click();
    await drawer.getByRole('row', { name: /Agent Li/ }).waitFor();
    check(true, 'a queue with a required skill is created and the new agent added as its member');
    await shot(page, '07e-queue-members');
    await drawer.getByRole('button', { name: 'Close' }).click();
  }

  // --- every page, in both languages: loads, no horizontal scrolling at 1366x768,
  // accessible names on every control, a screenshot each (console errors are collected)
  for (const [lang, label] of [['en', 'English'], ['zh', '中文']]) {
    await page.getByText(label, { exact: true }).click();
    for (const [p, en, zh] of PAGES) {
      await page.goto(BASE + p);
      await page.getByRole('heading', { name: lang === 'en' ? en : zh, exact: true }).first().waitFor();
      await page.waitForLoadState('networkidle');
      await page.waitForFunction(() => !document.querySelector('main .ant-spin-spinning'), null, { timeout: 10_000 });
      await pageChecks(page, `${p} (${lang})`);
      await shot(page, `page-${lang}${p.replace(/\//g, '-')}`);
    }
    check(true, `all ${PAGES.length} pages load in ${lang === 'en' ? 'English' : 'Chinese'}`);
  }
  await page.getByText('English', { exact: true }).click();

  // --- the flow editor shows a graph and validation results (or "not available")
  await page.goto(BASE + '/center/flows');
  await page.getByRole('heading', { name: 'IVR flows' }).waitFor();
  await page.waitForLoadState('networkidle');
  if (!(await notAvailable(page))) {
    await page.getByRole('button', { name: 'New flow' }).click();
    await page.getByRole('img', { name: /Graph of the flow with 4 nodes/ }).waitFor();
    await page.getByRole('button', { name: 'Validate' }).click();
    await page.getByText(/^(Valid|Has problems)$/).or(page.getByRole('alert')).first().waitFor();
    check(true, 'the flow editor draws the sample flow (4 nodes) and shows the server\'s validation verdict');
    await shot(page, '07c-flow-editor');

    // Business hours and holidays are a flow's schedule node: write one, validate, save.
    const hoursFlow = {
      id: `hours_${suffix}`,
      start: 'answer',
      nodes: {
        answer: { type: 'answer', next: 'hours' },
        hours: { type: 'schedule', timezone: 'Asia/Shanghai', hours: { weekdays: ['09:00-12:00', '13:00-18:00'], sat: ['09:00-12:00'] }, holidays: ['2026-10-01..2026-10-07'], open: 'open_bye', closed: 'closed_bye' },
        open_bye: { type: 'hangup' },
        closed_bye: { type: 'hangup' },
      },
    };
    await page.getByLabel('Name', { exact: true }).fill(`Hours ${suffix}`);
    await page.getByLabel('Flow document').fill(JSON.stringify(hoursFlow, null, 2));
    await page.getByRole('button', { name: 'Validate' }).click();
    await page.getByText('Valid', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Save as a new version' }).click();
    await page.getByText('Flow saved').waitFor();
    await page.getByRole('img', { name: /Graph of the flow with 4 nodes/ }).waitFor();
    check(true, 'a flow with business hours and holidays (schedule node) validates and is saved');

    // The DID to that flow.
    await page.goto(BASE + '/telephony/dids');
    await page.getByRole('heading', { name: 'Inbound numbers' }).waitFor();
    await page.getByRole('button', { name: 'New' }).click();
    const fDlg = page.getByRole('dialog');
    await fDlg.getByLabel('Number', { exact: true }).fill(`66${extNumber}`);
    await fDlg.getByRole('combobox', { name: 'Goes to' }).click();
    await pickOption(page, 'IVR flow');
    await fDlg.getByRole('combobox', { name: 'IVR flow', exact: true }).click();
    await pickOption(page, `Hours ${suffix}`);
    await fDlg.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('row', { name: new RegExp(`66${extNumber}.*IVR flow`) }).waitFor();
    check(true, 'a DID routed to that IVR flow is created from the DIDs page');

    // A blacklist entry.
    await page.goto(BASE + '/center/blacklist');
    await page.getByRole('heading', { name: 'Blacklist' }).waitFor();
    await page.getByRole('button', { name: 'New' }).click();
    const bDlg = page.getByRole('dialog');
    await bDlg.getByLabel('Number or prefix').fill(`4009${extNumber}*`);
    await bDlg.getByLabel('Reason').fill('spam calls');
    await bDlg.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('row', { name: new RegExp(`4009${extNumber}\\*.*spam calls.*Never`) }).waitFor();
    check(true, 'a blacklist prefix is added from the Blacklist page and listed (never expires)');
  } else {
    console.log('NOTE: /api/v1/flows is not on this server: the flow editor was only checked for "not available"');
  }

  // --- the Erlang planner (records API) or its "not available"
  await page.goto(BASE + '/records/staffing');
  await page.getByRole('button', { name: 'Compute', exact: true }).click();
  await page.getByTestId('erlang-agents').or(page.getByText(/is not available on this server yet/)).first().waitFor();
  if (await page.getByTestId('erlang-agents').count()) {
    const n = Number(await page.getByTestId('erlang-agents').innerText());
    check(n >= 12 && n <= 20, `Erlang C for 120 calls x 180 s in 30 min at 80/20 needs a plausible number of agents (${n})`);
  } else {
    console.log('NOTE: /api/v1/staffing/erlang is not on this server: shown as "not available"');
  }
  await pageChecks(page, 'desktop (admin)');
  await logout(page, 'admin');
  check(true, 'the admin logs out');

  // --- the agent logs in: only his desktop
  watch(page, 'agent');
  await login(page, agentName, agentPassword);
  await page.getByRole('heading', { name: 'Agent desktop' }).waitFor();
  check(page.url().endsWith('/desktop'), 'the agent lands on his desktop');
  const menu = await page.getByRole('navigation').getByRole('menuitem').allInnerTexts();
  check(menu.length === 2 && /Agent desktop/.test(menu[0]) && /My recordings/.test(menu[1]), `the agent's menu shows his desktop and his recordings only (${menu.join(', ')})`);
  await page.waitForLoadState('networkidle');
  const deskText = await page.locator('main').innerText();
  check(/not available on this server yet|My state/.test(deskText), 'the desktop says clearly whether the agent service exists');
  const deskAvailable = !(await notAvailable(page));
  if (deskAvailable) {
    // Pick/confirm the extension and log in to the queues; then ready and back.
    const ext = page.getByLabel('Extension', { exact: true });
    if (await ext.count()) {
      if (!(await ext.inputValue())) await ext.fill(extNumber);
      await page.getByRole('button', { name: 'Log in to queues' }).click();
      await page.getByRole('button', { name: 'Log out of queues' }).and(page.locator(':enabled')).waitFor({ timeout: 5000 });
    }
    await page.getByRole('button', { name: /(^| )Ready$/ }).click();
    await page.getByTestId('agent-state').getByText('Ready').waitFor({ timeout: 5000 });
    check(true, 'the agent logs in to the queues on his extension and becomes Ready');
    await page.keyboard.press('Alt+KeyN');
    await page.getByTestId('agent-state').getByText('Not ready').waitFor({ timeout: 5000 });
    check(true, 'Alt+N makes the agent not ready (first reason)');
    await page.getByRole('button', { name: 'Log out of queues' }).click();
    await page.getByTestId('agent-state').getByText('Logged out').waitFor({ timeout: 5000 });
  } else {
    console.log('NOTE: the ACD/CTI API is not on this server: the desktop shows "not available"; login to queues not exercised');
  }
  await pageChecks(page, 'desktop');
  await shot(page, '09-desktop');

  // Shortcuts and the wrap-up draft that survives a reload.
  await page.keyboard.press('Alt+KeyW');
  check(await page.getByLabel('Notes', { exact: true }).evaluate((el) => el === document.activeElement), 'Alt+W focuses the wrap-up notes');
  await page.keyboard.type('客户要求明天回电 / call back tomorrow');
  // The disposition: a list from GET /dispositions when the server has one, else typed.
  const dispSelect = page.getByRole('combobox', { name: 'Disposition code' });
  let dispText = 'callback';
  if (await dispSelect.count()) {
    await dispSelect.click();
    const opt = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option').first();
    dispText = await opt.getAttribute('title');
    await opt.click();
    // The select keeps (and may take back) focus while its dropdown closes: a
    // person's next key comes later than that.
    await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)').waitFor({ state: 'hidden', timeout: 3000 }).catch(() => {});
  } else {
    await page.getByLabel('Disposition code').fill(dispText);
  }
  await page.keyboard.press('Alt+KeyK');
  const dialPad = page.getByLabel('Number to dial');
  let padFocused = false;
  for (let i = 0; i < 40 && !padFocused; i++) {
    padFocused = await dialPad.evaluate((el) => el === document.activeElement);
    if (!padFocused) await page.waitForTimeout(50);
  }
  check(padFocused, 'Alt+K focuses the dial pad');
  await page.getByRole('button', { name: 'Key 5' }).click();
  check((await page.getByLabel('Number to dial').inputValue()).endsWith('5'), 'the dial pad types into the number');
  await page.reload();
  await page.getByRole('heading', { name: 'Agent desktop' }).waitFor();
  await page.waitForLoadState('networkidle');
  check((await page.getByLabel('Notes', { exact: true }).inputValue()) === '客户要求明天回电 / call back tomorrow', 'the wrap-up notes survive a reload');
  const dispAfter = (await page.getByRole('combobox', { name: 'Disposition code' }).count())
    ? await page.locator('.ant-select').filter({ has: page.getByRole('combobox', { name: 'Disposition code' }) }).locator('.ant-select-selection-item').innerText()
    : await page.getByLabel('Disposition code').inputValue();
  check(dispAfter === dispText, `the disposition survives a reload (${dispAfter})`);
  await page.getByText('中文', { exact: true }).click();
  await page.getByRole('heading', { name: '坐席工作台' }).waitFor();
  check(true, 'the agent desktop switches to Chinese');
  await shot(page, '10-desktop-zh');
  await page.getByText('English', { exact: true }).click();

  // The agent may not open admin pages even by URL.
  await page.goto(BASE + '/admin/users');
  await page.getByText('No access').waitFor();
  check(true, 'an admin page opened by URL says "No access" to the agent');

  // --- first load of the agent desktop: 3 cold loads (new browser context, empty caches)
  // and 2 warm ones, with the browser's performance API (perf.mjs prints each).
  // The target is 1 s for the median cold load; on a machine busier than its CPU count
  // (other builds running) the budget grows with the load so the check does not flake,
  // and the output says so.
  const token = await apiLogin(agentName, agentPassword);
  const perf = await measureDesktop(token, { cold: 3, watch });
  const load1 = os.loadavg()[0];
  const cpus = os.cpus().length;
  const budget = Math.round(1000 * Math.max(1, load1 / cpus));
  console.log(`PERF load average ${load1.toFixed(2)} on ${cpus} CPUs: budget ${budget} ms; the 1 s target is ${perf.coldMedian < 1000 ? 'met' : 'NOT met'} (cold median ${perf.coldMedian} ms, warm ${perf.warmMedian} ms)`);
  check(perf.coldMedian < budget, `the agent desktop is usable within ${budget} ms on a cold first load (median of 3: ${perf.coldMedian} ms)`);

  check(problems.length === 0, `no console errors on any page${problems.length ? ':\n  ' + problems.join('\n  ') : ''}`);
  console.log(`${checks} passed, 0 failed (${((Date.now() - started) / 1000).toFixed(1)} s)`);
} catch (e) {
  console.error(e.stack ?? String(e));
  if (problems.length) console.error('console problems so far:\n  ' + problems.join('\n  '));
  try {
    const p = ctx?.pages()[0];
    if (p) await shot(p, 'failure');
  } catch {
    // No screenshot; the error above says what failed.
  }
  process.exitCode = 1;
} finally {
  await ctx?.close().catch(() => undefined);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}
