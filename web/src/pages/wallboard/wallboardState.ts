// The wallboard's state, built from REST snapshots and live WebSocket events
// by a pure reducer (unit-tested). Event field names are read tolerantly
// (snake_case, µs/ms/s variants) because the ACD events are still being
// defined; each reader below says which names it accepts.
import type { HujiaoEvent } from '../../ws/eventSocket';

export const AGENT_STATES = ['logged_out', 'ready', 'not_ready', 'reserved', 'busy', 'wrap_up'] as const;
export type AgentStateName = (typeof AGENT_STATES)[number];

export interface QueueCard {
  id: string;
  name: string;
  waiting: number;
  longestWaitS: number;
  serviceLevelPct: number | null;
  abandonRatePct: number | null;
  offered: number;
  answered: number;
  abandoned: number;
  agentsByState: Partial<Record<AgentStateName, number>>;
  updatedAt: number;
}

export interface AgentTile {
  id: string;
  name: string;
  state: AgentStateName | string;
  reason: string;
  sinceMs: number;
}

export interface FeedItem {
  key: string;
  ts: string;
  who: string;
  action: string;
  resource: string;
}

export const BUCKET_MS = 10_000;
export const BUCKETS = 30;

export interface WallboardState {
  queues: Record<string, QueueCard>;
  agents: Record<string, AgentTile>;
  health: Record<string, unknown> | null;
  healthAt: string | null;
  feed: FeedItem[];
  /** Events per 10 s, oldest first; the last bucket starts at bucketStart. */
  rate: number[];
  bucketStart: number;
  events: number;
}

export type WallboardAction =
  | { type: 'event'; ev: HujiaoEvent; now: number }
  | { type: 'queues'; items: unknown[]; now: number }
  | { type: 'agents'; items: unknown[]; now: number }
  | { type: 'tick'; now: number };

export function initialWallboard(now: number): WallboardState {
  return {
    queues: {},
    agents: {},
    health: null,
    healthAt: null,
    feed: [],
    rate: new Array<number>(BUCKETS).fill(0),
    bucketStart: Math.floor(now / BUCKET_MS) * BUCKET_MS,
    events: 0,
  };
}

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {};
}

function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : typeof v === 'number' ? String(v) : undefined;
}

/** "WrapUp", "wrap-up", "wrapup" and "wrap_up" all become "wrap_up". */
export function normalizeState(s: unknown): string {
  if (typeof s !== 'string' || !s) return 'logged_out';
  const snake = s
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .replace(/[-\s]/g, '_')
    .toLowerCase();
  if (snake === 'wrapup') return 'wrap_up';
  if (snake === 'notready') return 'not_ready';
  if (snake === 'loggedout') return 'logged_out';
  return snake;
}

/** Seconds from fields named `<base>_s`, `<base>_ms` or `<base>_us`. */
function seconds(o: Obj, base: string): number | undefined {
  const s = num(o[`${base}_s`]) ?? num(o[base]);
  if (s !== undefined) return s;
  const ms = num(o[`${base}_ms`]);
  if (ms !== undefined) return ms / 1000;
  const us = num(o[`${base}_us`]);
  return us !== undefined ? us / 1e6 : undefined;
}

function parseTime(v: unknown): number | undefined {
  if (typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isNaN(t) ? undefined : t;
  }
  const n = num(v);
  if (n === undefined) return undefined;
  // Heuristic: µs since the epoch are > 1e14, ms are > 1e11.
  if (n > 1e14) return Math.floor(n / 1000);
  if (n > 1e11) return n;
  return n * 1000;
}

function agentsByState(v: unknown): Partial<Record<AgentStateName, number>> {
  const out: Partial<Record<AgentStateName, number>> = {};
  if (Array.isArray(v)) {
    AGENT_STATES.forEach((s, i) => {
      const n = num(v[i]);
      if (n !== undefined) out[s] = n;
    });
  } else {
    for (const [k, n] of Object.entries(obj(v))) {
      const c = num(n);
      const s = normalizeState(k);
      if (c !== undefined && (AGENT_STATES as readonly string[]).includes(s)) out[s as AgentStateName] = c;
    }
  }
  return out;
}

/** Reads a queue (a /queues item or a queue.stats event; stats may be nested under "stats"). */
export function readQueue(raw: unknown, prev: QueueCard | undefined, now: number): QueueCard | null {
  const o = obj(raw);
  const s = { ...o, ...obj(o.stats) };
  const id = str(s.queue_id) ?? str(o.queue_id) ?? str(o.id);
  if (!id) return null;
  const offered = num(s.offered) ?? prev?.offered ?? 0;
  const answered = num(s.answered) ?? prev?.answered ?? 0;
  const abandoned = num(s.abandoned) ?? prev?.abandoned ?? 0;
  const abandonRate = num(s.abandon_rate_pct) ?? (offered > 0 ? (abandoned / offered) * 100 : prev?.abandonRatePct ?? null);
  // `agents: {ready: 2, ...}` (CENTER contract) or `agents_by_state`.
  const byState = s.agents_by_state ?? (s.agents && typeof s.agents === 'object' ? s.agents : undefined);
  const hasAgents = byState !== undefined;
  return {
    id,
    name: str(o.name) ?? str(s.queue_name) ?? prev?.name ?? id,
    waiting: num(s.waiting) ?? prev?.waiting ?? 0,
    longestWaitS: seconds(s, 'longest_wait') ?? prev?.longestWaitS ?? 0,
    serviceLevelPct: num(s.service_level_pct) ?? num(s.service_level) ?? prev?.serviceLevelPct ?? null,
    abandonRatePct: abandonRate,
    offered,
    answered,
    abandoned,
    agentsByState: hasAgents ? agentsByState(byState) : prev?.agentsByState ?? {},
    updatedAt: now,
  };
}

/** Reads an agent (an /agents item or an agent.state_changed event: "to" or "state", "at"/"since"). */
export function readAgent(raw: unknown, prev: AgentTile | undefined, now: number): AgentTile | null {
  const o = obj(raw);
  const id = str(o.agent_id) ?? str(o.id);
  if (!id) return null;
  const state = normalizeState(o.to ?? o.state ?? prev?.state);
  const since =
    parseTime(o.state_since) ?? parseTime(o.since) ?? parseTime(o.at) ?? parseTime(o.ts) ?? prev?.sinceMs ?? now;
  return {
    id,
    name: str(o.name) ?? str(o.display_name) ?? str(o.username) ?? prev?.name ?? id,
    state,
    reason: str(o.reason) ?? '',
    sinceMs: since,
  };
}

function roll(state: WallboardState, now: number): WallboardState {
  const start = Math.floor(now / BUCKET_MS) * BUCKET_MS;
  if (start <= state.bucketStart) return state;
  const shift = Math.min(BUCKETS, Math.round((start - state.bucketStart) / BUCKET_MS));
  const rate = [...state.rate.slice(shift), ...new Array<number>(shift).fill(0)];
  return { ...state, rate, bucketStart: start };
}

const FEED_MAX = 20;

export function wallboardReducer(state: WallboardState, action: WallboardAction): WallboardState {
  switch (action.type) {
    case 'tick':
      return roll(state, action.now);
    case 'queues': {
      const queues: Record<string, QueueCard> = {};
      for (const item of action.items) {
        const q = readQueue(item, state.queues[str(obj(item).queue_id) ?? str(obj(item).id) ?? ''], action.now);
        if (q) queues[q.id] = q;
      }
      return { ...state, queues };
    }
    case 'agents': {
      const agents: Record<string, AgentTile> = {};
      for (const item of action.items) {
        const a = readAgent(item, undefined, action.now);
        if (a) agents[a.id] = a;
      }
      return { ...state, agents };
    }
    case 'event': {
      const ev = action.ev;
      let next = roll(state, action.now);
      const rate = [...next.rate];
      rate[rate.length - 1] = (rate[rate.length - 1] ?? 0) + 1;
      next = { ...next, rate, events: next.events + 1 };
      if (ev.type === 'health') {
        const { type: _t, ts, ...rest } = ev;
        return { ...next, health: rest, healthAt: ts };
      }
      if (ev.type === 'audit') {
        const item: FeedItem = {
          key: str(ev.audit_id) ?? `${ev.ts}-${next.events}`,
          ts: ev.ts,
          who: str(ev.username) ?? str(ev.user_id) ?? '',
          action: str(ev.action) ?? '',
          resource: [str(ev.resource), str(ev.resource_id)].filter(Boolean).join(' '),
        };
        return { ...next, feed: [item, ...next.feed].slice(0, FEED_MAX) };
      }
      if (ev.type === 'queue.stats') {
        const id = str(ev.queue_id) ?? str(obj(ev.stats).queue_id) ?? str(ev.id);
        const q = readQueue(ev, id ? next.queues[id] : undefined, action.now);
        return q ? { ...next, queues: { ...next.queues, [q.id]: q } } : next;
      }
      if (ev.type === 'agent.state' || ev.type === 'agent.state_changed') {
        const id = str(ev.agent_id) ?? str(ev.id);
        const a = readAgent(ev, id ? next.agents[id] : undefined, action.now);
        return a ? { ...next, agents: { ...next.agents, [a.id]: a } } : next;
      }
      return next;
    }
    default:
      return state;
  }
}

export type Level = 'ok' | 'warn' | 'alert';

export interface Threshold {
  warn: number;
  alert: number;
  /** true: a value above the limits is bad (waiting); false: below is bad (service level). */
  higherIsWorse: boolean;
}

export const THRESHOLDS = {
  waiting: { warn: 3, alert: 10, higherIsWorse: true },
  longestWaitS: { warn: 30, alert: 60, higherIsWorse: true },
  serviceLevelPct: { warn: 80, alert: 60, higherIsWorse: false },
  abandonRatePct: { warn: 5, alert: 10, higherIsWorse: true },
} satisfies Record<string, Threshold>;

/** Seconds in a state after which an agent tile turns amber / red. */
export const STATE_TIME_THRESHOLDS: Partial<Record<AgentStateName, { warn: number; alert: number }>> = {
  not_ready: { warn: 600, alert: 1200 },
  wrap_up: { warn: 120, alert: 300 },
  busy: { warn: 900, alert: 1800 },
  reserved: { warn: 20, alert: 40 },
};

export function levelOf(value: number | null | undefined, th: Threshold): Level {
  if (value === null || value === undefined) return 'ok';
  if (th.higherIsWorse) return value >= th.alert ? 'alert' : value >= th.warn ? 'warn' : 'ok';
  return value <= th.alert ? 'alert' : value <= th.warn ? 'warn' : 'ok';
}

export function agentLevel(tile: AgentTile, now: number): Level {
  const th = STATE_TIME_THRESHOLDS[tile.state as AgentStateName];
  if (!th) return 'ok';
  const s = (now - tile.sinceMs) / 1000;
  return s >= th.alert ? 'alert' : s >= th.warn ? 'warn' : 'ok';
}
