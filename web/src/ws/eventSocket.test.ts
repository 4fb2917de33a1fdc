import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF, EventSocket, backoffDelay, parseEvent, type SocketLike } from './eventSocket';

class FakeSocket implements SocketLike {
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: { code: number; reason?: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  closed = false;
  constructor(readonly url: string) {}
  close() {
    this.closed = true;
  }
  open() {
    this.onopen?.({});
  }
  drop(code = 1006) {
    this.onerror?.({});
    this.onclose?.({ code });
  }
  send(data: string) {
    this.onmessage?.({ data });
  }
}

/** A manual clock and timer queue. */
function harness(opts: { token?: () => string | null } = {}) {
  let now = 0;
  const timers: Array<{ at: number; fn: () => void; id: number }> = [];
  let nextId = 1;
  const sockets: FakeSocket[] = [];
  const delays: number[] = [];
  const es = new EventSocket({
    url: () => {
      const tok = opts.token ? opts.token() : 'tok';
      return tok ? `ws://h/api/v1/events?token=${tok}` : null;
    },
    createSocket: (u) => {
      const s = new FakeSocket(u);
      sockets.push(s);
      return s;
    },
    random: () => 0.5, // no jitter
    now: () => now,
    setTimer: (fn, ms) => {
      delays.push(ms);
      const id = nextId++;
      timers.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimer: (h) => {
      const i = timers.findIndex((t) => t.id === h);
      if (i >= 0) timers.splice(i, 1);
    },
  });
  const advance = (ms: number) => {
    now += ms;
    for (;;) {
      timers.sort((a, b) => a.at - b.at);
      const t = timers[0];
      if (!t || t.at > now) break;
      timers.shift();
      t.fn();
    }
  };
  return { es, sockets, delays, advance, timers, last: () => sockets[sockets.length - 1]! };
}

describe('backoffDelay', () => {
  it('doubles up to the cap, with bounded jitter', () => {
    const b = { ...DEFAULT_BACKOFF, jitter: 0 };
    expect([0, 1, 2, 3].map((a) => backoffDelay(a, b, Math.random))).toEqual([500, 1000, 2000, 4000]);
    expect(backoffDelay(20, b, Math.random)).toBe(30_000);
    const j = { ...DEFAULT_BACKOFF, jitter: 0.2 };
    expect(backoffDelay(1, j, () => 0)).toBe(800);
    expect(backoffDelay(1, j, () => 1)).toBe(1200);
    expect(backoffDelay(30, j, () => 1)).toBe(30_000);
  });
});

describe('EventSocket', () => {
  it('delivers parsed events and drops bad frames', () => {
    const h = harness();
    const got: string[] = [];
    h.es.subscribe((ev) => got.push(ev.type));
    h.es.start();
    h.last().open();
    expect(h.es.status).toBe('open');
    h.last().send('{"type":"health","ts":"2024-01-01T00:00:00Z"}');
    h.last().send('not json');
    h.last().send('{"no":"type"}');
    expect(got).toEqual(['health']);
    expect(h.es.droppedFrames).toBe(2);
  });

  it('reconnects with growing delays while the server is down', () => {
    const h = harness();
    const statuses: string[] = [];
    h.es.onStatus((s) => statuses.push(s));
    h.es.start();
    h.last().drop();
    expect(h.es.status).toBe('reconnecting');
    h.advance(500);
    expect(h.sockets).toHaveLength(2);
    h.last().drop();
    h.advance(999);
    expect(h.sockets).toHaveLength(2);
    h.advance(1);
    expect(h.sockets).toHaveLength(3);
    h.last().drop();
    expect(h.delays).toEqual([500, 1000, 2000]);
    expect(statuses).toEqual(['connecting', 'reconnecting', 'connecting', 'reconnecting', 'connecting', 'reconnecting']);
  });

  it('resets the backoff only after a stable connection', () => {
    const h = harness();
    h.es.start();
    h.last().drop();
    h.advance(500);
    h.last().open();
    h.advance(1000); // open but not stable: closes quickly
    h.last().drop();
    expect(h.delays.at(-1)).toBe(1000);
    h.advance(1000);
    h.last().open();
    h.advance(DEFAULT_BACKOFF.stableMs);
    h.last().drop();
    expect(h.delays.at(-1)).toBe(500);
  });

  it('stop() closes the socket and cancels a pending reconnect', () => {
    const h = harness();
    h.es.start();
    const first = h.last();
    first.open();
    h.es.stop();
    expect(first.closed).toBe(true);
    expect(h.es.status).toBe('stopped');
    h.es.start();
    h.last().drop();
    expect(h.timers).toHaveLength(1);
    h.es.stop();
    expect(h.timers).toHaveLength(0);
    h.advance(60_000);
    expect(h.sockets).toHaveLength(2);
  });

  it('a close after stop() does not reconnect', () => {
    const h = harness();
    h.es.start();
    const s = h.last();
    s.open();
    const onclose = s.onclose;
    h.es.stop();
    onclose?.({ code: 1000 });
    expect(h.timers).toHaveLength(0);
  });

  it('waits without a token and connects once there is one', () => {
    let token: string | null = null;
    const h = harness({ token: () => token });
    h.es.start();
    expect(h.sockets).toHaveLength(0);
    token = 'abc';
    h.advance(500);
    expect(h.sockets).toHaveLength(1);
    expect(h.last().url).toContain('token=abc');
  });

  it('reconnectNow skips the remaining backoff', () => {
    const h = harness();
    h.es.start();
    h.last().drop();
    h.es.reconnectNow();
    expect(h.sockets).toHaveLength(2);
    expect(h.timers).toHaveLength(0);
  });
});

describe('parseEvent', () => {
  it('fills a missing ts', () => {
    expect(parseEvent('{"type":"x"}')?.ts).toMatch(/^\d{4}-/);
    expect(parseEvent(42)).toBeNull();
  });
});
