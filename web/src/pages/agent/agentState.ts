// The agent desktop's state: what the server says about this agent, the
// offer ringing on it, the interaction in progress and the action in flight.
// A pure reducer over REST answers and live events (unit-tested).
import type { HujiaoEvent } from '../../ws/eventSocket';
import { normalizeState } from '../wallboard/wallboardState';

export type Availability = 'loading' | 'ready' | 'unavailable' | 'not_agent' | 'error';

export interface Offer {
  interactionId: string;
  caller: string;
  queue: string;
  attributes: Record<string, string>;
  offeredAt: number;
}

export interface ActiveInteraction {
  interactionId: string;
  caller: string;
  queue: string;
  attributes: Record<string, string>;
  held: boolean;
  /** CTI mute: the customer does not hear the agent (POST .../mute, event interaction.muted). */
  muted: boolean;
  /** A consultation call is up (transfer, conference or cancel come next). */
  consulting: boolean;
  since: number;
}

export interface AgentDesktopState {
  availability: Availability;
  error: string;
  state: string;
  reason: string;
  sinceMs: number;
  device: string;
  offer: Offer | null;
  active: ActiveInteraction | null;
  /** The interaction whose wrap-up is due (kept after the call ends). */
  wrapUpFor: string | null;
  pending: string | null;
}

export type AgentAction =
  | { type: 'unavailable' }
  | { type: 'not_agent' }
  | { type: 'failed'; error: string }
  | { type: 'loaded'; agent: unknown; now: number }
  | { type: 'event'; ev: HujiaoEvent; agentId: string; now: number }
  | { type: 'pending'; action: string | null }
  | { type: 'held'; held: boolean }
  | { type: 'muted'; interactionId: string; muted: boolean }
  | { type: 'consulting'; on: boolean }
  | { type: 'interactions'; items: unknown[]; now: number }
  | { type: 'ended'; interactionId: string }
  | { type: 'wrapped_up' };

export const initialAgentState: AgentDesktopState = {
  availability: 'loading',
  error: '',
  state: 'logged_out',
  reason: '',
  sinceMs: 0,
  device: '',
  offer: null,
  active: null,
  wrapUpFor: null,
  pending: null,
};

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

function timeMs(v: unknown, fallback: number): number {
  if (typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isNaN(t) ? fallback : t;
  }
  return fallback;
}

function readOffer(ev: Obj, now: number): Offer | null {
  const inter = { ...ev, ...obj(ev.interaction) };
  const id = str(inter.interaction_id) || str(inter.id);
  if (!id) return null;
  const customer = obj(inter.customer);
  const attrs: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(inter.attributes))) attrs[k] = str(v) || JSON.stringify(v);
  return {
    interactionId: id,
    caller: str(inter.caller) || str(customer.number) || str(customer.email) || str(customer.chat_id),
    queue: str(inter.queue_name) || str(inter.queue) || str(inter.queue_id),
    attributes: attrs,
    offeredAt: now,
  };
}

function eventInteractionId(ev: Obj): string {
  return str(ev.interaction_id) || str(obj(ev.interaction).id);
}

function isMine(ev: Obj, agentId: string): boolean {
  const who = str(ev.agent_id) || str(obj(ev.agent).id);
  return who === agentId;
}

function toActive(o: Offer, iid: string, now: number, held = false, since = now, muted = false): ActiveInteraction {
  return { interactionId: iid, caller: o.caller, queue: o.queue, attributes: o.attributes, held, muted, consulting: false, since };
}

/**
 * The agent's interactions as the server lists them (GET /agents/{id}/interactions),
 * after a reload: a ringing one is the offer, a connected or held one the active call,
 * one in wrap_up the wrap-up to finish.
 */
export function fromInteractions(s: AgentDesktopState, items: unknown[], now: number): AgentDesktopState {
  let offer: Offer | null = null;
  let active: ActiveInteraction | null = null;
  let wrapUpFor: string | null = s.wrapUpFor;
  for (const raw of items) {
    const o = obj(raw);
    const state = str(o.state);
    const base = readOffer(o, timeMs(o.offered_at, now));
    if (!base) continue;
    if (state === 'ringing' && !offer) offer = base;
    else if ((state === 'connected' || state === 'held') && !active) {
      active = toActive(base, base.interactionId, now, state === 'held', timeMs(o.answered_at, now), o.muted === true);
      wrapUpFor = base.interactionId;
    } else if (state === 'wrap_up' && !active) wrapUpFor = base.interactionId;
  }
  return { ...s, offer, active, wrapUpFor };
}

export function agentReducer(s: AgentDesktopState, a: AgentAction): AgentDesktopState {
  switch (a.type) {
    case 'unavailable':
      return { ...s, availability: 'unavailable', pending: null };
    case 'not_agent':
      return { ...s, availability: 'not_agent', pending: null };
    case 'failed':
      return { ...s, availability: s.availability === 'loading' ? 'error' : s.availability, error: a.error, pending: null };
    case 'loaded': {
      const o = obj(a.agent);
      const state = normalizeState(o.state);
      return {
        ...s,
        availability: 'ready',
        error: '',
        state,
        reason: str(o.reason),
        sinceMs: timeMs(o.state_since ?? o.since, state === s.state && s.sinceMs ? s.sinceMs : a.now),
        device: str(o.device) || str(o.extension) || s.device,
        pending: null,
      };
    }
    case 'pending':
      return { ...s, pending: a.action, error: a.action ? '' : s.error };
    case 'held':
      return s.active ? { ...s, active: { ...s.active, held: a.held } } : s;
    case 'muted':
      return s.active?.interactionId === a.interactionId ? { ...s, active: { ...s.active, muted: a.muted } } : s;
    case 'consulting':
      return s.active ? { ...s, active: { ...s.active, consulting: a.on } } : s;
    case 'ended':
      return {
        ...s,
        offer: s.offer?.interactionId === a.interactionId ? null : s.offer,
        active: s.active?.interactionId === a.interactionId ? null : s.active,
      };
    case 'interactions':
      return fromInteractions(s, a.items, a.now);
    case 'wrapped_up':
      return { ...s, wrapUpFor: null };
    case 'event': {
      const ev = a.ev as Obj;
      const type = a.ev.type;
      if (type === 'agent.state' || type === 'agent.state_changed') {
        if (!isMine(ev, a.agentId)) return s;
        const state = normalizeState(ev.to ?? ev.state);
        return {
          ...s,
          state,
          reason: str(ev.reason),
          sinceMs: timeMs(ev.at ?? ev.since ?? a.ev.ts, a.now),
          device: str(ev.device) || s.device,
        };
      }
      if (type === 'interaction.offered') {
        if (!isMine(ev, a.agentId)) return s;
        const offer = readOffer(ev, a.now);
        return offer ? { ...s, offer } : s;
      }
      const iid = eventInteractionId(ev);
      if (!iid) return s;
      if (type === 'interaction.answered' || type === 'interaction.connected') {
        if (!isMine(ev, a.agentId) && s.offer?.interactionId !== iid) return s;
        const base = s.offer?.interactionId === iid ? s.offer : readOffer(ev, a.now);
        return {
          ...s,
          offer: s.offer?.interactionId === iid ? null : s.offer,
          active: base ? toActive(base, iid, a.now) : s.active,
          wrapUpFor: iid,
        };
      }
      if (type === 'interaction.muted') {
        return s.active?.interactionId === iid ? { ...s, active: { ...s.active, muted: ev.muted === true } } : s;
      }
      if (type === 'interaction.ring_no_answer') {
        return s.offer?.interactionId === iid ? { ...s, offer: null } : s;
      }
      if (type === 'interaction.held' || type === 'interaction.unheld' || type === 'interaction.resumed') {
        return s.active?.interactionId === iid ? { ...s, active: { ...s.active, held: type === 'interaction.held' } } : s;
      }
      if (
        type === 'interaction.cancelled' ||
        type === 'interaction.overflowed' ||
        type === 'interaction.ended' ||
        type === 'interaction.abandoned' ||
        type === 'interaction.transferred'
      ) {
        return {
          ...s,
          offer: s.offer?.interactionId === iid ? null : s.offer,
          active: s.active?.interactionId === iid ? null : s.active,
        };
      }
      return s;
    }
    default:
      return s;
  }
}
