// First load of the agent desktop, measured with the browser's performance API.
// Cold = a new browser context (empty HTTP and code caches) per load; warm = the
// same context loading the page again (assets from the cache, revalidation of
// index.html only). "ready" is the desktop's own mark `hujiao:desktop-ready`:
// the page is drawn and knows the agent's state (usable), from navigation start.
import { readdirSync, readFileSync } from 'node:fs';
import { chromium, CHROMIUM_OPTIONS, BASE } from './lib.mjs';

// CPU time (user + system, ms) of a process's descendants, from /proc:
// a figure that depends much less on how busy the machine is than wall time.
const TICK_MS = 10; // USER_HZ is 100 on Linux
function treeCpuMs(root) {
  const procs = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      procs.push({ pid: Number(d), ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) });
    } catch {
      // The process ended meanwhile.
    }
  }
  const inTree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of procs)
      if (!inTree.has(p.pid) && inTree.has(p.ppid)) {
        inTree.add(p.pid);
        grew = true;
      }
  }
  // The root itself (this node process) is not counted: only what it started (Chromium).
  return procs.filter((p) => inTree.has(p.pid) && p.pid !== root).reduce((n, p) => n + p.ticks * TICK_MS, 0);
}

async function measureOnce(page, label, pid) {
  const cpu0 = pid ? treeCpuMs(pid) : 0;
  await page.goto(BASE + '/desktop');
  await page.waitForFunction(() => performance.getEntriesByName('hujiao:desktop-ready').length > 0, null, { timeout: 20_000 });
  const m = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const fcp = performance.getEntriesByName('first-contentful-paint')[0];
    const res = performance.getEntriesByType('resource');
    const bytes = res.reduce((n, r) => n + (r.transferSize || 0), nav.transferSize || 0);
    const js = res.filter((r) => r.name.endsWith('.js'));
    return {
      ready: Math.round(performance.getEntriesByName('hujiao:desktop-ready')[0].startTime),
      fcp: fcp ? Math.round(fcp.startTime) : -1,
      dcl: Math.round(nav.domContentLoadedEventEnd),
      lastJs: Math.round(Math.max(0, ...js.map((r) => r.responseEnd))),
      jsFiles: js.length,
      kb: Math.round(bytes / 1024),
    };
  });
  // Chromium's CPU time for this load (all its processes; includes the test's own page calls).
  m.cpu = pid ? treeCpuMs(pid) - cpu0 : -1;
  console.log(`PERF agent desktop first load (${label}): ready ${m.ready} ms, first paint ${m.fcp} ms, DOMContentLoaded ${m.dcl} ms, last script ${m.lastJs} ms (${m.jsFiles} scripts), ${m.kb} KiB transferred, Chromium CPU ${m.cpu} ms`);
  return m;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Loads /desktop logged in with `token`: `cold` times in fresh contexts, then twice warm. */
export async function measureDesktop(token, { cold = 3, watch } = {}) {
  const browser = await chromium.launch(CHROMIUM_OPTIONS);
  const pid = process.pid; // Chromium runs as this process's children
  const colds = [];
  const warms = [];
  const coldCpu = [];
  try {
    for (let i = 0; i < cold; i++) {
      const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'en-US' });
      try {
        await ctx.addInitScript((t) => {
          if (!localStorage.getItem('hujiao.token')) localStorage.setItem('hujiao.token', t);
        }, token);
        const page = await ctx.newPage();
        watch?.(page, `perf${i}`);
        const c = await measureOnce(page, `cold ${i + 1}/${cold}`, pid);
        colds.push(c.ready);
        coldCpu.push(c.cpu);
        if (i === cold - 1) {
          for (let j = 0; j < 2; j++) warms.push((await measureOnce(page, `warm ${j + 1}/2`, pid)).ready);
        }
      } finally {
        await ctx.close();
      }
    }
  } finally {
    await browser.close();
  }
  const r = { coldMedian: median(colds), warmMedian: median(warms), coldCpuMedian: median(coldCpu), colds, warms };
  console.log(`PERF agent desktop ready: cold median ${r.coldMedian} ms (${colds.join(', ')}), warm ${warms.join(', ')} ms (target < 1000 ms); Chromium CPU per cold load: median ${r.coldCpuMedian} ms`);
  return r;
}
