import { describe, expect, it, vi } from 'vitest';
import { ApiClient, ApiError, buildQuery } from './client';
import { normalizePermissions } from './resources';

function fakeFetch(status: number, body: string, contentType = 'application/json') {
  return vi.fn(async (_url: RequestInfo | URL, _init?: RequestInit) => new Response(status === 204 ? null : body, { status, headers: { 'Content-Type': contentType } }));
}

describe('ApiClient', () => {
  it('sends the bearer token and JSON body, parses JSON', async () => {
    const f = fakeFetch(201, '{"id":"u1"}');
    const c = new ApiClient({ getToken: () => 'tok', fetchImpl: f });
    const res = await c.post<{ id: string }>('/users', { username: 'a' });
    expect(res).toEqual({ id: 'u1' });
    const [url, init] = f.mock.calls[0]!;
    expect(url).toBe('/api/v1/users');
    expect((init!.headers as Record<string, string>).Authorization).toBe('Bearer tok');
    expect(init!.body).toBe('{"username":"a"}');
  });

  it('turns the server error body into a typed ApiError', async () => {
    const c = new ApiClient({ getToken: () => null, fetchImpl: fakeFetch(423, '{"error":{"code":"account_locked","message":"locked for 300 s"}}') });
    const e = await c.post('/auth/login', {}, { noAuthRedirect: true }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).status).toBe(423);
    expect((e as ApiError).code).toBe('account_locked');
    expect((e as ApiError).message).toBe('locked for 300 s');
  });

  it('calls onUnauthorized on 401, except when told not to', async () => {
    const onUnauthorized = vi.fn();
    const body = '{"error":{"code":"unauthorized","message":"token expired"}}';
    const c = new ApiClient({ getToken: () => 't', onUnauthorized, fetchImpl: fakeFetch(401, body) });
    await expect(c.get('/users')).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
    await expect(c.post('/auth/login', {}, { noAuthRedirect: true })).rejects.toMatchObject({ status: 401 });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it('handles a non-JSON error page', async () => {
    const c = new ApiClient({ getToken: () => null, fetchImpl: fakeFetch(502, '<html><body><h1>Bad Gateway</h1></body></html>', 'text/html') });
    const e = (await c.get('/x').catch((x: unknown) => x)) as ApiError;
    expect(e.status).toBe(502);
    expect(e.code).toBe('http_502');
    expect(e.message).toBe('Bad Gateway');
  });

  it('marks 404 as not found', async () => {
    const c = new ApiClient({ getToken: () => null, fetchImpl: fakeFetch(404, '{"error":{"code":"not_found","message":"no route"}}') });
    const e = (await c.get('/queues').catch((x: unknown) => x)) as ApiError;
    expect(e.isNotFound).toBe(true);
  });

  it('reports a network failure as network_error', async () => {
    const c = new ApiClient({
      getToken: () => null,
      fetchImpl: vi.fn(async () => {
        throw new TypeError('Failed to fetch');
      }),
    });
    await expect(c.get('/x')).rejects.toMatchObject({ status: 0, code: 'network_error', message: 'Failed to fetch' });
  });

  it('returns undefined for 204 and rejects a non-JSON success', async () => {
    const c1 = new ApiClient({ getToken: () => null, fetchImpl: fakeFetch(204, '') });
    await expect(c1.del('/users/1')).resolves.toBeUndefined();
    const c2 = new ApiClient({ getToken: () => null, fetchImpl: fakeFetch(200, 'not json', 'text/plain') });
    await expect(c2.get('/x')).rejects.toMatchObject({ code: 'bad_response' });
  });

  it('builds queries without empty values', () => {
    expect(buildQuery({ limit: 20, offset: 0, q: '', department_id: undefined, x: 'a b' })).toBe('?limit=20&offset=0&x=a+b');
    expect(buildQuery({})).toBe('');
  });
});

describe('normalizePermissions', () => {
  it('accepts an array or {items}', () => {
    const list = [{ name: 'users.read', description: 'See users' }];
    expect(normalizePermissions(list)).toEqual(list);
    expect(normalizePermissions({ items: list })).toEqual(list);
    expect(normalizePermissions(['a.b'])).toEqual([{ name: 'a.b', description: '' }]);
    expect(normalizePermissions(null)).toEqual([]);
    expect(normalizePermissions({ items: [1, { nope: 1 }] })).toEqual([]);
  });
});
