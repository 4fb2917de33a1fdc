import { describe, expect, it } from 'vitest';
import { BUCKETS, BUCKET_MS, agentLevel, initialWallboard, levelOf, normalizeState, THRESHOLDS, wallboardReducer } from './wallboardState';

const T0 = Date.parse('2024-05-01T08:00:00Z');

describe('wallboardReducer', () => {
  it('keeps the last health report and a bounded audit feed', () => {
    let s = initialWallboard(T0);
    s = wallboardReducer(s, { type: 'event', ev: { type: 'health', ts: '2024-05-01T08:00:01Z', status: 'ok', uptime_s: 5 }, now: T0 + 1000 });
    expect(s.health).toEqual({ status: 'ok', uptime_s: 5 });
    expect(s.healthAt).toBe('2024-05-01T08:00:01Z');
    for (let i = 0; i < 30; i++) {
      s = wallboardReducer(s, {
        type: 'event',
        ev: { type: 'audit', ts: '2024-05-01T08:00:02Z', audit_id: `a${i}`, username: 'admin', action: 'user.create', resource: 'users', resource_id: `u${i}` },
        now: T0 + 2000,
      });
    }
    expect(s.feed).toHaveLength(20);
    expect(s.feed[0]).toMatchObject({ key: 'a29', who: 'admin', action: 'user.create', resource: 'users u29' });
    expect(s.events).toBe(31);
  });

  it('counts events per 10 s bucket and rolls the window', () => {
    let s = initialWallboard(T0);
    s = wallboardReducer(s, { type: 'event', ev: { type: 'health', ts: '' }, now: T0 });
    s = wallboardReducer(s, { type: 'event', ev: { type: 'health', ts: '' }, now: T0 + 1 });
    expect(s.rate.at(-1)).toBe(2);
    s = wallboardReducer(s, { type: 'tick', now: T0 + 3 * BUCKET_MS });
    expect(s.rate.at(-1)).toBe(0);
    expect(s.rate.at(-4)).toBe(2);
    expect(s.rate).toHaveLength(BUCKETS);
    s = wallboardReducer(s, { type: 'tick', now: T0 + 1000 * BUCKET_MS });
    expect(s.rate.every((n) => n === 0)).toBe(true);
  });

  it('builds queue cards from the list and updates them from queue.stats', () => {
    let s = initialWallboard(T0);
    s = wallboardReducer(s, { type: 'queues', items: [{ id: 'q1', name: 'Sales' }, { nope: true }], now: T0 });
    expect(Object.keys(s.queues)).toEqual(['q1']);
    expect(s.queues.q1).toMatchObject({ name: 'Sales', waiting: 0, serviceLevelPct: null });
    s = wallboardReducer(s, {
      type: 'event',
      ev: {
        type: 'queue.stats',
        ts: '',
        queue_id: 'q1',
        waiting: 4,
        longest_wait_us: 42_000_000,
        offered: 10,
        abandoned: 1,
        service_level_pct: 75,
        agents_by_state: { ready: 2, busy: 3, wrap_up: 1 },
      },
      now: T0 + 1,
    });
    expect(s.queues.q1).toMatchObject({ name: 'Sales', waiting: 4, longestWaitS: 42, abandonRatePct: 10, serviceLevelPct: 75 });
    expect(s.queues.q1!.agentsByState).toEqual({ ready: 2, busy: 3, wrap_up: 1 });
    // A later event without agents_by_state keeps the previous counts.
    s = wallboardReducer(s, { type: 'event', ev: { type: 'queue.stats', ts: '', queue_id: 'q1', waiting: 0 }, now: T0 + 2 });
    expect(s.queues.q1!.agentsByState.busy).toBe(3);
    expect(s.queues.q1!.waiting).toBe(0);
  });

  it('accepts agents_by_state as an array in the ACD order', () => {
    let s = initialWallboard(T0);
    s = wallboardReducer(s, { type: 'event', ev: { type: 'queue.stats', ts: '', queue_id: 'q', agents_by_state: [1, 2, 3, 4, 5, 6] }, now: T0 });
    expect(s.queues.q!.agentsByState).toEqual({ logged_out: 1, ready: 2, not_ready: 3, reserved: 4, busy: 5, wrap_up: 6 });
  });

  it('tracks agent states and time in state from agent.state_changed', () => {
    let s = initialWallboard(T0);
    s = wallboardReducer(s, { type: 'agents', items: [{ id: 'a1', name: 'Li Lei', state: 'Ready', state_since: '2024-05-01T07:59:00Z' }], now: T0 });
    expect(s.agents.a1).toMatchObject({ name: 'Li Lei', state: 'ready', sinceMs: T0 - 60_000 });
    s = wallboardReducer(s, {
      type: 'event',
      ev: { type: 'agent.state_changed', ts: '2024-05-01T08:00:05Z', agent_id: 'a1', from: 'ready', to: 'NotReady', reason: 'lunch' },
      now: T0 + 5000,
    });
    expect(s.agents.a1).toMatchObject({ name: 'Li Lei', state: 'not_ready', reason: 'lunch', sinceMs: T0 + 5000 });
    expect(agentLevel(s.agents.a1!, T0 + 5000 + 601_000)).toBe('warn');
    expect(agentLevel(s.agents.a1!, T0 + 5000 + 1_300_000)).toBe('alert');
  });
});

describe('helpers', () => {
  it('normalizes state spellings', () => {
    expect(['WrapUp', 'wrap-up', 'wrapup', 'wrap_up'].map(normalizeState)).toEqual(['wrap_up', 'wrap_up', 'wrap_up', 'wrap_up']);
    expect(normalizeState('LoggedOut')).toBe('logged_out');
    expect(normalizeState(undefined)).toBe('logged_out');
  });
  it('applies thresholds in both directions', () => {
    expect(levelOf(2, THRESHOLDS.waiting)).toBe('ok');
    expect(levelOf(3, THRESHOLDS.waiting)).toBe('warn');
    expect(levelOf(10, THRESHOLDS.waiting)).toBe('alert');
    expect(levelOf(95, THRESHOLDS.serviceLevelPct)).toBe('ok');
    expect(levelOf(79, THRESHOLDS.serviceLevelPct)).toBe('warn');
    expect(levelOf(50, THRESHOLDS.serviceLevelPct)).toBe('alert');
    expect(levelOf(null, THRESHOLDS.serviceLevelPct)).toBe('ok');
  });
});

describe('wallboard with the CENTER contract shapes', () => {
  it('reads /queues/stats items and queue.stats events with agents:{state:n}', () => {
    let s = wallboardReducer(initialWallboard(0), {
      type: 'queues',
      now: 1,
      items: [{ queue_id: 'q1', name: 'service', waiting: 2, longest_wait_s: 31, offered: 10, answered: 8, abandoned: 1, service_level_pct: 75, agents: { ready: 1, busy: 2, logged_out: 3 } }],
    });
    expect(s.queues.q1).toMatchObject({ name: 'service', waiting: 2, longestWaitS: 31, serviceLevelPct: 75, abandonRatePct: 10, agentsByState: { ready: 1, busy: 2, logged_out: 3 } });
    s = wallboardReducer(s, { type: 'event', now: 2, ev: { type: 'queue.stats', ts: '2026-01-01T00:00:00Z', queue_id: 'q1', waiting: 0, agents: { ready: 2, busy: 1 } } });
    expect(s.queues.q1).toMatchObject({ name: 'service', waiting: 0, agentsByState: { ready: 2, busy: 1 } });
  });

  it('moves an agent tile on agent.state and keeps his name', () => {
    let s = wallboardReducer(initialWallboard(0), { type: 'agents', now: 1, items: [{ id: 'u1', display_name: 'Li', state: 'ready' }] });
    s = wallboardReducer(s, { type: 'event', now: 5, ev: { type: 'agent.state', ts: '2026-01-01T00:00:05Z', agent_id: 'u1', state: 'busy', previous: 'ready', since: '2026-01-01T00:00:04Z' } });
    expect(s.agents.u1).toMatchObject({ name: 'Li', state: 'busy', sinceMs: Date.parse('2026-01-01T00:00:04Z') });
  });
});
