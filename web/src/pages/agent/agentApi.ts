// The CTI calls the agent desktop makes (docs: CENTER contract, issue 6). The
// agent id is the user id. Every action is a POST under /api/v1/agents/{id};
// when the ACD API is not on the server they answer 404 (or 503 while the
// contact-center service is not running) and the page says "not available".
import { ApiError, type ApiClient } from '../../api/client';

export type TargetType = 'agent' | 'queue' | 'extension' | 'number';
export const TARGET_TYPES: readonly TargetType[] = ['extension', 'agent', 'queue', 'number'];

export const agentApi = (api: ApiClient, agentId: string) => {
  const base = `/agents/${encodeURIComponent(agentId)}`;
  const act = (name: string, body?: object) => api.post<unknown>(`${base}/${name}`, body ?? {});
  const iid = (interactionId: string) => ({ interaction_id: interactionId });
  return {
    /** This agent from the list he sees (a user who is no agent gets not_agent, not a 404 request). */
    get: async (list?: Promise<unknown>) => findAgent(await (list ?? api.get<unknown>('/agents')), agentId),
    stats: () => api.get<unknown>(`${base}/stats`),
    interactions: () => api.get<unknown>(`${base}/interactions`),
    reasons: () => api.get<unknown>('/agent-reasons'),
    dispositions: () => api.get<unknown>('/dispositions'),
    waiting: () => api.get<unknown>('/interactions', { state: 'waiting' }),
    login: (device: string) => act('login', { device }),
    logout: () => act('logout'),
    ready: () => act('ready'),
    notReady: (reason: string) => act('not_ready', { reason }),
    answer: (interactionId: string) => act('answer', iid(interactionId)),
    hangup: (interactionId: string) => act('hangup', iid(interactionId)),
    hold: (interactionId: string, held: boolean) => act(held ? 'hold' : 'unhold', iid(interactionId)),
    /** Answers {interaction_id, call_id, state, muted}. */
    mute: (interactionId: string, on: boolean) => act('mute', { ...iid(interactionId), on }),
    transfer: (interactionId: string, targetType: TargetType, target: string) =>
      act('transfer', { ...iid(interactionId), target_type: targetType, target }),
    consult: (interactionId: string, targetType: TargetType, target: string) =>
      act('consult', { ...iid(interactionId), target_type: targetType, target }),
    consultTransfer: (interactionId: string) => act('consult_transfer', iid(interactionId)),
    conference: (interactionId: string) => act('conference', iid(interactionId)),
    consultCancel: (interactionId: string) => act('consult_cancel', iid(interactionId)),
    pickup: (interactionId: string) => act('pickup', iid(interactionId)),
    dial: (number: string) => act('dial', { number }),
    dtmf: (interactionId: string, digits: string) => act('dtmf', { interaction_id: interactionId, digits }),
    wrapUp: (interactionId: string | null, disposition: string, notes: string) =>
      act('wrapup', { interaction_id: interactionId, disposition, notes }),
  };
};

export type AgentApi = ReturnType<typeof agentApi>;

/** The agent `id` in a GET /agents answer; throws ApiError 404 "not_agent" when absent. */
export function findAgent(body: unknown, id: string): unknown {
  const items = (body as { items?: unknown } | null)?.items;
  const found = Array.isArray(items) ? items.find((a) => (a as { id?: unknown } | null)?.id === id) : undefined;
  if (!found) throw new ApiError(404, 'not_agent', 'this user is not an agent');
  return found;
}

/** Not-ready reasons offered until the server provides its list (GET /agent-reasons). */
export const DEFAULT_REASONS = ['break', 'lunch', 'training', 'meeting'] as const;

/** `{items:["break",...]}` or `{items:[{code,label}]}` → codes. */
export function readReasons(body: unknown): string[] {
  const items = (body as { items?: unknown } | null)?.items ?? body;
  if (!Array.isArray(items)) return [];
  return items
    .map((r) => (typeof r === 'string' ? r : r && typeof r === 'object' ? String((r as { code?: unknown }).code ?? '') : ''))
    .filter(Boolean);
}

export interface Disposition {
  code: string;
  label: string;
}

export function readDispositions(body: unknown): Disposition[] {
  const items = (body as { items?: unknown } | null)?.items ?? body;
  if (!Array.isArray(items)) return [];
  return items
    .map((d): Disposition | null => {
      if (typeof d === 'string') return { code: d, label: d };
      if (d && typeof d === 'object' && typeof (d as Disposition).code === 'string') {
        const o = d as Disposition;
        return { code: o.code, label: typeof o.label === 'string' && o.label ? o.label : o.code };
      }
      return null;
    })
    .filter((d): d is Disposition => d !== null);
}

/** The numbers this agent called or talked to lately (newest first, no repeats). */
export function pushRecent(list: readonly string[], number: string, max = 10): string[] {
  const n = number.trim();
  if (!n) return [...list];
  return [n, ...list.filter((x) => x !== n)].slice(0, max);
}
