// Supervisor actions from the wallboard (started by test_web_supervisor.py):
// supervisor1 listens, whispers and barges in on agent1001's call from his
// extension 1003 (a sipp phone answers), releases the call, makes the agent not ready, moves a
// waiting call to another queue, releases it, makes the agent ready and logs
// him out. Every action is checked twice: on the wallboard and in REST.
// Env: HUJIAO_URL, HUJIAO_ADMIN_PASSWORD, HUJIAO_ARTIFACTS, HUJIAO_SIP_PORT,
// HUJIAO_CALLER_PORTS (two), HUJIAO_CALLER_RTP (two).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { api, check, checkCount, cleanup, clickForResponse, launch, login, problems, shot, watch } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const started = Date.now();
const callerPorts = process.env.HUJIAO_CALLER_PORTS.split(',');
const callerRtp = process.env.HUJIAO_CALLER_RTP.split(',');
const callers = [];

function call(i, number) {
  const p = spawn('sipp', ['-sf', path.join(here, 'scenarios', 'caller_trunk.xml'), '-i', '127.0.0.1', '-p', callerPorts[i], '-m', '1', '-t', 'u1', '-nostdin', '-timeout', '120s', '-s', '4002', '-key', 'caller', number, '-key', 'rtp', callerRtp[i], `127.0.0.1:${process.env.HUJIAO_SIP_PORT}`], { stdio: 'ignore' });
  callers.push(p);
  return new Promise((resolve) => p.on('exit', (code) => resolve(code)));
}

async function until(fn, what, timeout = 10_000) {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > timeout) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

let ctx;
try {
  const admin = (await api('POST', '/auth/login', null, { username: 'admin', password: process.env.HUJIAO_ADMIN_PASSWORD })).body.token;
  const agentTok = (await api('POST', '/auth/login', null, { username: 'agent1001', password: 'agent1001-demo' })).body.token;
  const agent = (await api('GET', '/agents', admin)).body.items.find((a) => a.username === 'agent1001');
  const name = agent.display_name || agent.username;
  const agentState = async () => (await api('GET', `/agents/${agent.id}`, admin)).body.state;
  const waiting = async () => (await api('GET', '/interactions?state=waiting', admin)).body.items ?? [];
  // Legs of the customer's live call (customer + agent, + the supervisor's phone while supervising).
  const legsOf = async (number) => ((await api('GET', '/calls', admin)).body.items ?? []).find((c) => c.caller_number === number)?.legs ?? 0;

  // A second queue of the same department to move a call to.
  const service = (await api('GET', '/queues/service', admin)).body;
  const q2 = await api('POST', '/queues', admin, { id: 'backoffice', name: 'Back office', department_id: service.department_id, strategy: 'longest_idle' });
  check(q2.status === 201, `a second queue "backoffice" exists for the move (${q2.status})`);

  // agent1001 is logged in on 1001 and ready (his desktop is not under test here).
  check((await api('POST', `/agents/${agent.id}/login`, agentTok, { device: '1001' })).status < 300, 'agent1001 logs in on extension 1001');
  check((await api('POST', `/agents/${agent.id}/ready`, agentTok, {})).status < 300, 'agent1001 is ready');

  ctx = await launch();
  const sup = ctx.pages()[0] ?? (await ctx.newPage());
  watch(sup, 'supervisor');
  await login(sup, 'supervisor1', 'supervisor1-demo');
  await sup.getByRole('heading', { name: 'Wallboard' }).waitFor();
  await sup.getByTestId('ws-status').getByText('Live').waitFor();
  await sup.getByLabel('My extension').fill('1003');
  const tile = (state) => sup.getByRole('listitem', { name: new RegExp(`^${name.replace(/[()]/g, '\\$&')}: ${state}`) });
  await tile('Ready').waitFor();
  check(true, 'the wallboard shows agent1001 Ready');

  // Opens the agent's action menu and picks an item (or an item of a submenu). antd menus slide in
  // and out: under CI load Playwright can see an item "stable" mid-animation and its click lands on
  // the wrong row (nothing happens, the menu stays open). So: no dropdown may be open or closing
  // before we start, and each popup must have finished its animations before we touch its items.
  const popups = '.ant-dropdown, .ant-dropdown-menu-submenu-popup';
  const noPopupOpen = () =>
    sup.waitForFunction((sel) => [...document.querySelectorAll(sel)].every((d) => d.getClientRects().length === 0), popups, { timeout: 5_000 });
  const popupsSettled = (n) =>
    sup.waitForFunction(
      ([sel, want]) => {
        const open = [...document.querySelectorAll(sel)].filter((d) => d.getClientRects().length > 0);
        return open.length >= want && open.every((d) => d.getAnimations({ subtree: true }).length === 0);
      },
      [popups, n],
      { timeout: 5_000 },
    );
  const menu = async (item, sub) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await noPopupOpen();
        await sup.getByRole('button', { name: `Actions for ${name}` }).click({ timeout: 5_000 });
        await popupsSettled(1);
        if (sub) {
          await sup.getByRole('menuitem', { name: item }).hover({ timeout: 5_000 });
          await popupsSettled(2);
          await sup.getByRole('menuitem', { name: sub, exact: true }).click({ timeout: 5_000 });
        } else {
          await sup.getByRole('menuitem', { name: item, exact: true }).click({ timeout: 5_000 });
        }
        return;
      } catch (e) {
        if (attempt >= 3) throw e;
        console.log(`NOTE: menu "${item}${sub ? ' > ' + sub : ''}" attempt ${attempt} missed (${String(e.message).split('\n')[0]}); again`);
        await closeMenus();
      }
    }
  };
  const closeMenus = async () => {
    await sup.keyboard.press('Escape');
    await sup.keyboard.press('Escape');
    await sup.mouse.move(0, 0);
  };
  // An action from the menu, checked by the request it sends (a lost click is clicked again).
  const act = (item, sub, urlEnd) => clickForResponse(sup, () => menu(item, sub), urlEnd, { onRetry: closeMenus });

  // --- a customer call; agent1001's phone answers it
  const first = call(0, '13900000001');
  await tile('Busy').waitFor({ timeout: 15_000 });
  check((await agentState()) === 'busy', 'the customer call reaches agent1001: Busy on the wallboard and in REST');

  // --- listen, whisper, barge: each rings 1003 (sipp answers); the bar shows it; stop ends it
  for (const [mode, label] of [['listen', 'Listen'], ['whisper', 'Whisper'], ['barge', 'Barge in']]) {
    const before = await legsOf('13900000001');
    const r = await act(label, undefined, `/supervisor/${mode}`);
    check(r.status() === 200, `${label}: the server accepts the supervision (${r.status()})`);
    await sup.getByTestId('supervision').getByText(`${label} · ${name}`).waitFor();
    await until(async () => (await legsOf('13900000001')) > before, `a new leg (1003) on the call for ${mode}`);
    check(true, `${label}: the wallboard shows "${label} · ${name}" and the customer's call gets a leg to the supervisor's phone`);
    if (mode === 'barge') await shot(sup, 'sup-01-barge');
    await sup.getByRole('button', { name: 'Stop', exact: true }).click();
    await sup.getByTestId('supervision').waitFor({ state: 'detached' });
    await sup.getByText('Stopped').last().waitFor();
    check(true, `${label}: Stop clears the bar`);
  }

  // --- force release of the connected call; after the 1 s wrap-up the agent is ready again
  const relResp = await act('Release the call', undefined, '/force_release');
  check(relResp.status() === 200, 'Release the call: the server accepts the force release');
  await sup.getByText('Call released').waitFor();
  check((await first) === 0, 'the customer gets a BYE (his sipp ends cleanly)');
  await until(async () => ((await api('GET', '/calls', admin)).body.items ?? []).length === 0, 'no live call (REST)');
  check(true, 'the server has no live call any more');
  // Its call record: three legs to 1003 (listen, whisper, barge), each answered and ended before the call.
  const cdr = await until(async () => ((await api('GET', '/cdrs?limit=10', admin)).body.items ?? []).find((c) => c.caller_number === '13900000001' && c.end), 'the call record');
  const supLegs = (cdr.legs ?? []).filter((l) => /^(sip:)?1003(@|$)/.test(l.target ?? ''));
  check(supLegs.length === 3 && supLegs.every((l) => l.answer && l.end && l.end <= cdr.end), `the call record has the 3 supervision legs to 1003, answered and ended${supLegs.length === 3 ? '' : ': ' + JSON.stringify(cdr.legs)}`);
  await tile('Ready').waitFor({ timeout: 10_000 });

  // --- force not ready (reason break)
  await act('Make not ready', 'break', '/force_not_ready');
  await tile('Not ready').waitFor();
  check((await agentState()) === 'not_ready', 'Make not ready → the wallboard and REST say not_ready');

  // --- a second call waits (no ready agent): move it to "Back office", then release it
  const second = call(1, '13900000002');
  const row = sup.getByRole('listitem').filter({ hasText: '13900000002' });
  await row.waitFor({ timeout: 15_000 });
  check((await until(async () => (await waiting()).find((w) => w.queue_id === 'service'), 'the waiting call in REST')) !== undefined, 'the waiting call is listed on the wallboard and waits in queue service (REST)');
  await sup.getByRole('combobox', { name: 'Where to move the call from 13900000002' }).click();
  await sup.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option[title="Queue Back office"]').click();
  await row.getByRole('button', { name: 'Move' }).click();
  await sup.getByText('Call moved').waitFor();
  await row.getByText(/^Back office · /).waitFor();
  await until(async () => (await waiting()).find((w) => w.queue_id === 'backoffice'), 'the call in queue backoffice (REST)');
  check(true, 'Move → the call waits in "Back office" on the wallboard and in REST');
  await shot(sup, 'sup-02-moved');
  await row.getByRole('button', { name: 'Release' }).click();
  await sup.getByText('Call released').waitFor();
  await row.waitFor({ state: 'detached' });
  await until(async () => (await waiting()).length === 0, 'no waiting call (REST)');
  check((await second) === 0, 'Release → the call leaves the wallboard and REST, the customer gets a BYE');

  // --- force ready, force logout
  await act('Make ready', undefined, '/force_ready');
  await tile('Ready').waitFor();
  check((await agentState()) === 'ready', 'Make ready → Ready on the wallboard and in REST');
  await act('Log out', undefined, '/force_logout');
  // The grid shows logged-in agents only: the tile goes away.
  await tile('').waitFor({ state: 'detached' });
  check((await agentState()) === 'logged_out', 'Log out → the agent leaves the wallboard grid and REST says logged_out');
  await shot(sup, 'sup-03-logged-out');

  check(problems.length === 0, `no console errors${problems.length ? ':\n  ' + problems.join('\n  ') : ''}`);
  console.log(`${checkCount()} passed, 0 failed (${((Date.now() - started) / 1000).toFixed(1)} s)`);
} catch (e) {
  console.error(e.stack ?? String(e));
  if (problems.length) console.error('console problems so far:\n  ' + problems.join('\n  '));
  try {
    const p = ctx?.pages()[0];
    if (p) await shot(p, 'supervisor-failure');
  } catch {
    // No screenshot; the error above says what failed.
  }
  process.exitCode = 1;
} finally {
  for (const c of callers) c.kill();
  await ctx?.close().catch(() => undefined);
  cleanup();
}
