// The lists the desktop offers beside the live state: not-ready reasons,
// dispositions, today's statistics, calls waiting to be picked up, and the
// numbers dialled lately (kept in this browser).
import { useCallback, useEffect, useState } from 'react';
import { isApiError } from '../../api/client';
import { DEFAULT_REASONS, pushRecent, readDispositions, readReasons, type AgentApi, type Disposition } from './agentApi';

export type Stats = Record<string, unknown> | 'unavailable' | null;

export interface Waiting {
  id: string;
  number: string;
  queue: string;
  since: string;
}

const RECENT_KEY = (userId: string) => `hujiao.recent.${userId}`;

export function useDeskData(cti: AgentApi, userId: string, enabled: boolean) {
  const [reasons, setReasons] = useState<string[]>([...DEFAULT_REASONS]);
  /** undefined while loading, null when the server has no list (then the code is typed). */
  const [dispositions, setDispositions] = useState<Disposition[] | null | undefined>(undefined);
  const [stats, setStats] = useState<Stats>(null);
  const [waiting, setWaiting] = useState<Waiting[] | null>(null);
  const [recent, setRecent] = useState<string[]>(() => {
    try {
      const v: unknown = JSON.parse(localStorage.getItem(RECENT_KEY(userId)) ?? '[]');
      return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
    } catch {
      return [];
    }
  });

  useEffect(() => {
    if (!enabled) return;
    cti
      .reasons()
      .then((b) => {
        const r = readReasons(b);
        if (r.length) setReasons(r);
      })
      .catch(() => undefined); // The built-in reasons stay.
    cti
      .dispositions()
      .then((b) => setDispositions(readDispositions(b)))
      .catch(() => setDispositions(null)); // Free text then.
  }, [cti, enabled]);

  const reloadStats = useCallback(() => {
    if (!enabled) return;
    cti
      .stats()
      .then((st) => setStats(st && typeof st === 'object' ? (st as Record<string, unknown>) : null))
      .catch((e: unknown) => setStats(isApiError(e) && (e.status === 404 || e.status === 503) ? 'unavailable' : null));
  }, [cti, enabled]);

  const reloadWaiting = useCallback(() => {
    if (!enabled) return;
    cti
      .waiting()
      .then((b) => {
        const items = (b as { items?: unknown[] } | null)?.items ?? [];
        setWaiting(
          items.map((raw) => {
            const o = (raw ?? {}) as Record<string, unknown>;
            const customer = (o.customer ?? {}) as Record<string, unknown>;
            return { id: String(o.id ?? o.interaction_id ?? ''), number: String(customer.number ?? ''), queue: String(o.queue_name ?? o.queue_id ?? ''), since: String(o.enqueued_at ?? o.queued_at ?? '') };
          }),
        );
      })
      .catch(() => setWaiting(null));
  }, [cti, enabled]);

  useEffect(() => {
    reloadStats();
    reloadWaiting();
  }, [reloadStats, reloadWaiting]);

  const addRecent = useCallback(
    (n: string) =>
      setRecent((list) => {
        const next = pushRecent(list, n);
        try {
          localStorage.setItem(RECENT_KEY(userId), JSON.stringify(next));
        } catch {
          // Not kept across reloads; still shown now.
        }
        return next;
      }),
    [userId],
  );

  return { reasons, dispositions, stats, reloadStats, waiting, reloadWaiting, recent, addRecent };
}
