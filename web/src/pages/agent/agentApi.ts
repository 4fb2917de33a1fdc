// The CTI calls the agent desktop makes (issue 6). The agent id is the user id.
// Every call is a POST action under /api/v1/agents/{id}; until the ACD API
// exists they answer 404, which the page shows as "not available yet".
import type { ApiClient } from '../../api/client';

export const agentApi = (api: ApiClient, agentId: string) => {
  const base = `/agents/${encodeURIComponent(agentId)}`;
  const act = (name: string, body?: object) => api.post<unknown>(`${base}/${name}`, body ?? {});
  return {
    /** Probes whether the agent API exists at all (404 = not yet). */
    probe: () => api.get<unknown>('/agents', { limit: 1 }),
    get: () => api.get<unknown>(base),
    stats: () => api.get<unknown>(`${base}/stats`),
    login: (device: string) => act('login', { device }),
    logout: () => act('logout'),
    ready: () => act('ready'),
    notReady: (reason: string) => act('not_ready', { reason }),
    answer: (interactionId: string) => act('answer', { interaction_id: interactionId }),
    hangup: (interactionId: string) => act('hangup', { interaction_id: interactionId }),
    hold: (interactionId: string, held: boolean) => act(held ? 'hold' : 'unhold', { interaction_id: interactionId }),
    dial: (number: string) => act('dial', { number }),
    dtmf: (interactionId: string, digits: string) => act('dtmf', { interaction_id: interactionId, digits }),
    wrapUp: (interactionId: string | null, disposition: string, notes: string) =>
      act('wrapup', { interaction_id: interactionId, disposition, notes }),
  };
};

/** Not-ready reasons offered until the server provides a configured list. */
export const DEFAULT_REASONS = ['break', 'lunch', 'training', 'meeting'] as const;
