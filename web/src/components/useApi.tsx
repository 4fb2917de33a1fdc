// Loading a resource for a page: one hook and one view for the four outcomes
// (loading, data, "this server does not offer it yet", error). An endpoint
// answering 404 (route not there) or 503 (contact-center service not running)
// is "not available": the page says so and shows no made-up data.
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { Alert, Spin } from 'antd';
import { api } from '../api/session';
import { isApiError, type QueryValue } from '../api/client';
import { errorText } from '../api/errorText';
import { useT } from '../i18n';
import { NotAvailable } from './NotAvailable';

export type Load<T> =
  | { status: 'loading' }
  | { status: 'ok'; data: T }
  | { status: 'unavailable'; path: string }
  | { status: 'error'; error: unknown };

/** 404 from a list/collection route, 501 or 503: the feature is not on this server (yet). */
export function isUnavailable(e: unknown): boolean {
  return isApiError(e) && (e.status === 404 || e.status === 501 || e.status === 503);
}

export function useApiGet<T>(path: string | null, query?: Record<string, QueryValue>): { load: Load<T>; reload: () => void } {
  const [load, setLoad] = useState<Load<T>>({ status: 'loading' });
  const [version, setVersion] = useState(0);
  const qKey = JSON.stringify(query ?? {});
  const queryRef = useRef(query);
  queryRef.current = query;
  useEffect(() => {
    if (!path) return undefined;
    const ctrl = new AbortController();
    api
      .get<T>(path, queryRef.current, ctrl.signal)
      .then((data) => {
        if (!ctrl.signal.aborted) setLoad({ status: 'ok', data });
      })
      .catch((e: unknown) => {
        if (ctrl.signal.aborted) return;
        setLoad(isUnavailable(e) ? { status: 'unavailable', path: `/api/v1${path}` } : { status: 'error', error: e });
      });
    return () => ctrl.abort();
  }, [path, qKey, version]);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return { load, reload };
}

// Lists that take limit/offset/q (pagingParams on the server); the others
// reject unknown query parameters (400 invalid_query) and answer everything.
const PAGED = new Set(['/users', '/departments', '/roles', '/audit', '/extensions', '/trunks', '/dids', '/dial-rules', '/cdrs', '/flows', '/blacklist', '/recordings', '/voicemails', '/callbacks', '/qa/scores']);

export function isPaged(path: string): boolean {
  return PAGED.has(path);
}

/** The query for reading a whole (picker-sized) list. */
export function allItemsQuery(path: string): Record<string, number> | undefined {
  return isPaged(path) ? { limit: 1000 } : undefined;
}

/** Items of a list answer: `{items:[...]}` or a bare array. */
export function itemsOf<T>(body: unknown): T[] {
  if (Array.isArray(body)) return body as T[];
  const items = (body as { items?: unknown } | null)?.items;
  return Array.isArray(items) ? (items as T[]) : [];
}

export function LoadView<T>({ load, what, children }: { load: Load<T>; what: string; children: (data: T) => ReactNode }) {
  const t = useT();
  if (load.status === 'loading')
    return (
      <div style={{ padding: 24, textAlign: 'center' }}>
        <Spin aria-label={t('common.loading')} />
      </div>
    );
  if (load.status === 'unavailable') return <NotAvailable what={what} path={load.path} />;
  if (load.status === 'error') return <Alert type="error" showIcon role="alert" message={errorText(t, load.error)} />;
  return <>{children(load.data)}</>;
}
