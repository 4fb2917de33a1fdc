// Live events from GET /api/v1/events (WebSocket). Reconnects with capped
// exponential backoff and jitter so that a restarted daemon is not hit by every
// console at the same instant. Timers and the WebSocket class are injectable
// so the reconnect logic is tested without a network.

export interface HujiaoEvent {
  type: string;
  ts: string;
  [key: string]: unknown;
}

export type SocketStatus = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'stopped';

export interface SocketLike {
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: { code: number; reason?: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  close(code?: number, reason?: string): void;
}

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  factor: number;
  /** 0..1: the delay is multiplied by a random factor in [1 - jitter, 1 + jitter]. */
  jitter: number;
  /** A connection that stayed open this long resets the backoff. */
  stableMs: number;
}

export interface EventSocketOptions {
  /** Returns the URL to connect to, or null when there is no session (then it waits). */
  url: () => string | null;
  createSocket?: (url: string) => SocketLike;
  backoff?: Partial<BackoffOptions>;
  random?: () => number;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export const DEFAULT_BACKOFF: BackoffOptions = {
  initialMs: 500,
  maxMs: 30_000,
  factor: 2,
  jitter: 0.2,
  stableMs: 10_000,
};

/** The delay before reconnect attempt number `attempt` (0-based). */
export function backoffDelay(attempt: number, b: BackoffOptions, random: () => number): number {
  const base = Math.min(b.maxMs, b.initialMs * Math.pow(b.factor, Math.max(0, attempt)));
  const spread = 1 + b.jitter * (2 * random() - 1);
  return Math.max(0, Math.round(Math.min(b.maxMs, base * spread)));
}

export function parseEvent(data: unknown): HujiaoEvent | null {
  if (typeof data !== 'string') return null;
  try {
    const v: unknown = JSON.parse(data);
    if (v && typeof v === 'object' && typeof (v as HujiaoEvent).type === 'string') {
      const ev = v as HujiaoEvent;
      if (typeof ev.ts !== 'string') ev.ts = new Date().toISOString();
      return ev;
    }
  } catch {
    // A malformed frame is dropped; the stream goes on.
  }
  return null;
}

/** ws:// or wss:// URL of the event stream for this page's origin. */
export function eventsUrl(token: string, loc: { protocol: string; host: string } = window.location): string {
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${loc.host}/api/v1/events?token=${encodeURIComponent(token)}`;
}

export class EventSocket {
  private readonly opts: EventSocketOptions;
  private readonly backoff: BackoffOptions;
  private socket: SocketLike | null = null;
  private timer: unknown = null;
  private attempt = 0;
  private openedAt = 0;
  private statusValue: SocketStatus = 'idle';
  private readonly eventListeners = new Set<(ev: HujiaoEvent) => void>();
  private readonly statusListeners = new Set<(s: SocketStatus) => void>();
  /** Frames that could not be parsed (shown nowhere; kept for tests and debugging). */
  droppedFrames = 0;

  constructor(opts: EventSocketOptions) {
    this.opts = opts;
    this.backoff = { ...DEFAULT_BACKOFF, ...opts.backoff };
  }

  get status(): SocketStatus {
    return this.statusValue;
  }

  /** Number of the next reconnect attempt (0 after a stable connection). */
  get attempts(): number {
    return this.attempt;
  }

  start(): void {
    if (this.socket || this.timer !== null) return;
    this.connect();
  }

  stop(): void {
    this.clearTimer();
    const s = this.socket;
    this.socket = null;
    if (s) {
      s.onopen = s.onclose = s.onerror = s.onmessage = null;
      try {
        s.close(1000, 'client stop');
      } catch {
        // Already closed.
      }
    }
    this.attempt = 0;
    this.setStatus('stopped');
  }

  /** Skip the remaining backoff (e.g. the browser came back online). */
  reconnectNow(): void {
    if (this.statusValue !== 'reconnecting') return;
    this.clearTimer();
    this.connect();
  }

  subscribe(fn: (ev: HujiaoEvent) => void): () => void {
    this.eventListeners.add(fn);
    return () => this.eventListeners.delete(fn);
  }

  onStatus(fn: (s: SocketStatus) => void): () => void {
    this.statusListeners.add(fn);
    return () => this.statusListeners.delete(fn);
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  private setStatus(s: SocketStatus): void {
    if (s === this.statusValue) return;
    this.statusValue = s;
    for (const l of this.statusListeners) l(s);
  }

  private clearTimer(): void {
    if (this.timer !== null) {
      (this.opts.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>)))(this.timer);
      this.timer = null;
    }
  }

  private connect(): void {
    this.timer = null;
    const url = this.opts.url();
    if (!url) {
      this.scheduleReconnect();
      return;
    }
    this.setStatus('connecting');
    let s: SocketLike;
    try {
      s = (this.opts.createSocket ?? ((u: string) => new WebSocket(u) as unknown as SocketLike))(url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = s;
    s.onopen = () => {
      this.openedAt = this.now();
      this.setStatus('open');
    };
    s.onmessage = (m) => {
      const ev = parseEvent(m.data);
      if (!ev) {
        this.droppedFrames++;
        return;
      }
      for (const l of this.eventListeners) l(ev);
    };
    s.onerror = () => {
      // A close event always follows an error; reconnecting happens there.
    };
    s.onclose = () => {
      if (this.socket !== s) return;
      this.socket = null;
      if (this.openedAt && this.now() - this.openedAt >= this.backoff.stableMs) this.attempt = 0;
      this.openedAt = 0;
      this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    const delay = backoffDelay(this.attempt, this.backoff, this.opts.random ?? Math.random);
    this.attempt++;
    this.setStatus('reconnecting');
    this.timer = (this.opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms)))(() => this.connect(), delay);
  }
}
