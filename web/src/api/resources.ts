// Typed calls for each REST resource, on top of the shared ApiClient.
import type { ApiClient, QueryValue } from './client';
import type { Department, Page, Permission, Role, User } from './types';

export interface ListParams {
  limit?: number;
  offset?: number;
  q?: string;
  department_id?: string;
  [extra: string]: QueryValue;
}

export function listPage<T>(api: ApiClient, resource: string, params: ListParams = {}, signal?: AbortSignal) {
  return api.get<Page<T>>(`/${resource}`, params, signal);
}

/** Reads every page of a list (departments and roles are small); stops at `cap` items. */
export async function listAll<T>(api: ApiClient, resource: string, cap = 5000, signal?: AbortSignal): Promise<T[]> {
  const out: T[] = [];
  const limit = 200;
  for (let offset = 0; offset < cap; offset += limit) {
    const page = await listPage<T>(api, resource, { limit, offset }, signal);
    const items = Array.isArray(page) ? (page as T[]) : page.items ?? [];
    out.push(...items);
    if (Array.isArray(page) || items.length < limit || out.length >= (page.total ?? 0)) break;
  }
  return out;
}

/** GET /permissions answers either a bare array or {"items": [...]}; accept both. */
export function normalizePermissions(body: unknown): Permission[] {
  const raw = Array.isArray(body) ? body : (body as { items?: unknown } | null)?.items;
  if (!Array.isArray(raw)) return [];
  return raw
    .map((p): Permission | null => {
      if (typeof p === 'string') return { name: p, description: '' };
      if (p && typeof p === 'object' && typeof (p as Permission).name === 'string') {
        const d = (p as Permission).description;
        return { name: (p as Permission).name, description: typeof d === 'string' ? d : '' };
      }
      return null;
    })
    .filter((p): p is Permission => p !== null);
}

export const usersApi = (api: ApiClient) => ({
  list: (p: ListParams, signal?: AbortSignal) => listPage<User>(api, 'users', p, signal),
  create: (body: object) => api.post<User>('/users', body),
  update: (id: string, body: object) => api.patch<User>(`/users/${encodeURIComponent(id)}`, body),
  remove: (id: string) => api.del(`/users/${encodeURIComponent(id)}`),
  setPassword: (id: string, password: string) =>
    api.post<void>(`/users/${encodeURIComponent(id)}/password`, { password }),
  unlock: (id: string) => api.post<void>(`/users/${encodeURIComponent(id)}/unlock`),
});

export const departmentsApi = (api: ApiClient) => ({
  all: (signal?: AbortSignal) => listAll<Department>(api, 'departments', 5000, signal),
  create: (body: object) => api.post<Department>('/departments', body),
  update: (id: string, body: object) => api.patch<Department>(`/departments/${encodeURIComponent(id)}`, body),
  remove: (id: string) => api.del(`/departments/${encodeURIComponent(id)}`),
});

export const rolesApi = (api: ApiClient) => ({
  all: (signal?: AbortSignal) => listAll<Role>(api, 'roles', 1000, signal),
  create: (body: object) => api.post<Role>('/roles', body),
  update: (id: string, body: object) => api.patch<Role>(`/roles/${encodeURIComponent(id)}`, body),
  remove: (id: string) => api.del(`/roles/${encodeURIComponent(id)}`),
  permissions: async (signal?: AbortSignal) => normalizePermissions(await api.get<unknown>('/permissions', undefined, signal)),
});
