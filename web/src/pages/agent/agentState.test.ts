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
