import { describe, expect, it } from 'vitest';
import { agentReducer, initialAgentState, type AgentDesktopState } from './agentState';

const T0 = Date.parse('2024-05-01T08:00:00Z');
const ev = (type: string, fields: Record<string, unknown>) => ({ type: 'event' as const, ev: { type, ts: '2024-05-01T08:00:00Z', ...fields }, agentId: 'me', now: T0 });

describe('agentReducer', () => {
  it('knows when the CTI API or the agent record is missing', () => {
    expect(agentReducer(initialAgentState, { type: 'unavailable' }).availability).toBe('unavailable');
    expect(agentReducer(initialAgentState, { type: 'not_agent' }).availability).toBe('not_agent');
    expect(agentReducer(initialAgentState, { type: 'failed', error: 'boom' })).toMatchObject({ availability: 'error', error: 'boom' });
  });

  it('loads the agent and follows its own state changes only', () => {
    let s = agentReducer(initialAgentState, { type: 'loaded', agent: { id: 'me', state: 'ready', state_since: '2024-05-01T07:50:00Z', device: '1001' }, now: T0 });
    expect(s).toMatchObject({ availability: 'ready', state: 'ready', device: '1001', sinceMs: T0 - 600_000 });
    s = agentReducer(s, ev('agent.state_changed', { agent_id: 'other', to: 'busy' }));
    expect(s.state).toBe('ready');
    s = agentReducer(s, ev('agent.state_changed', { agent_id: 'me', to: 'not_ready', reason: 'break', at: '2024-05-01T08:00:00Z' }));
    expect(s).toMatchObject({ state: 'not_ready', reason: 'break', sinceMs: T0 });
  });

  it('follows mute from its own action, the interaction.muted event and the interaction list', () => {
    let s: AgentDesktopState = { ...initialAgentState, availability: 'ready' };
    s = agentReducer(s, { type: 'interactions', items: [{ id: 'i1', state: 'connected', customer: { number: '100' }, muted: true }], now: T0 });
    expect(s.active).toMatchObject({ interactionId: 'i1', muted: true });
    s = agentReducer(s, ev('interaction.muted', { agent_id: 'me', interaction_id: 'i1', call_id: 'c1', muted: false }));
    expect(s.active?.muted).toBe(false);
    s = agentReducer(s, ev('interaction.muted', { agent_id: 'me', interaction_id: 'other', muted: true }));
    expect(s.active?.muted).toBe(false);
    s = agentReducer(s, { type: 'muted', interactionId: 'i1', muted: true });
    expect(s.active?.muted).toBe(true);
  });

  it('pops an offer, turns it into the active interaction on answer, clears it at the end', () => {
    let s: AgentDesktopState = { ...initialAgentState, availability: 'ready' };
    s = agentReducer(
      s,
      ev('interaction.offered', {
        agent_id: 'me',
        interaction_id: 'i1',
        queue_name: 'Sales',
        customer: { number: '+8613800000000' },
        attributes: { lang: 'zh', menu: 2 },
      }),
    );
    expect(s.offer).toMatchObject({ interactionId: 'i1', caller: '+8613800000000', queue: 'Sales', attributes: { lang: 'zh', menu: '2' } });
    s = agentReducer(s, ev('interaction.offered', { agent_id: 'someone', interaction_id: 'i2' }));
    expect(s.offer?.interactionId).toBe('i1');
    s = agentReducer(s, ev('interaction.answered', { agent_id: 'me', interaction_id: 'i1' }));
    expect(s.offer).toBeNull();
    expect(s.active).toMatchObject({ interactionId: 'i1', caller: '+8613800000000', held: false });
    expect(s.wrapUpFor).toBe('i1');
    s = agentReducer(s, { type: 'held', held: true });
    expect(s.active?.held).toBe(true);
    s = agentReducer(s, ev('interaction.ended', { interaction_id: 'i1' }));
    expect(s.active).toBeNull();
    expect(s.wrapUpFor).toBe('i1');
    s = agentReducer(s, { type: 'wrapped_up' });
    expect(s.wrapUpFor).toBeNull();
  });

  it('drops a ringing offer that was cancelled', () => {
    let s = agentReducer(initialAgentState, ev('interaction.offered', { agent_id: 'me', interaction: { id: 'i9', caller: '100' } }));
    expect(s.offer?.caller).toBe('100');
    s = agentReducer(s, ev('interaction.cancelled', { interaction_id: 'i9' }));
    expect(s.offer).toBeNull();
  });
});

describe('agentReducer with the CENTER contract events', () => {
  const ready: AgentDesktopState = { ...initialAgentState, availability: 'ready' };

  it('follows agent.state {agent_id, state, reason, since}', () => {
    let s = agentReducer(ready, ev('agent.state', { agent_id: 'me', state: 'not_ready', reason: 'lunch', previous: 'ready', since: '2024-05-01T07:59:00Z' }));
    expect(s).toMatchObject({ state: 'not_ready', reason: 'lunch', sinceMs: T0 - 60_000 });
    s = agentReducer(s, ev('agent.state', { agent_id: 'other', state: 'busy' }));
    expect(s.state).toBe('not_ready');
  });

  it('offer → answered → consult → ended keeps the wrap-up target; ring_no_answer drops the offer', () => {
    const offered = ev('interaction.offered', { interaction_id: 'i9', agent_id: 'me', queue_id: 'service', customer: { number: '13800000000' }, attributes: { menu: '1', vip: true } });
    let s = agentReducer(ready, offered);
    expect(s.offer).toMatchObject({ interactionId: 'i9', caller: '13800000000', queue: 'service', attributes: { menu: '1', vip: 'true' } });
    expect(agentReducer(s, ev('interaction.ring_no_answer', { interaction_id: 'i9', agent_id: 'me' })).offer).toBeNull();
    s = agentReducer(s, ev('interaction.answered', { interaction_id: 'i9', agent_id: 'me' }));
    expect(s.offer).toBeNull();
    expect(s.active).toMatchObject({ interactionId: 'i9', caller: '13800000000', attributes: { menu: '1' }, held: false, consulting: false });
    s = agentReducer(s, { type: 'consulting', on: true });
    expect(s.active?.consulting).toBe(true);
    s = agentReducer(s, ev('interaction.ended', { interaction_id: 'i9', agent_id: 'me' }));
    expect(s.active).toBeNull();
    expect(s.wrapUpFor).toBe('i9');
  });

  it('rebuilds offer, call and wrap-up from GET /agents/{id}/interactions after a reload', () => {
    const items = [
      { id: 'a', state: 'wrap_up', customer: { number: '1' } },
      { id: 'b', state: 'held', queue_id: 'q', customer: { number: '2' }, answered_at: '2024-05-01T07:58:00Z' },
      { id: 'c', state: 'ringing', customer: { number: '3' }, attributes: { lang: 'zh' } },
    ];
    const s = agentReducer(ready, { type: 'interactions', items, now: T0 });
    expect(s.offer).toMatchObject({ interactionId: 'c', caller: '3', attributes: { lang: 'zh' } });
    expect(s.active).toMatchObject({ interactionId: 'b', held: true, since: T0 - 120_000 });
    expect(s.wrapUpFor).toBe('b');
    expect(agentReducer(ready, { type: 'interactions', items: [items[0]], now: T0 }).wrapUpFor).toBe('a');
  });

  it('an explicit hang-up clears the call at once', () => {
    let s = agentReducer(ready, ev('interaction.answered', { interaction_id: 'x', agent_id: 'me', customer: { number: '5' } }));
    s = agentReducer(s, { type: 'ended', interactionId: 'x' });
    expect(s.active).toBeNull();
  });
});
