// HTTP client for the hujiaod REST API (/api/v1). Every failure becomes an
// ApiError carrying the HTTP status and the server's {"error":{code,message}},
// so pages can show exactly what the server said.

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** The server's `error.details` (e.g. an invalid flow's problems by node), or []. */
  readonly details: unknown[];

  constructor(status: number, code: string, message: string, details: unknown[] = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** True when the endpoint itself does not exist (yet) on this server. */
  get isNotFound(): boolean {
    return this.status === 404;
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

export type QueryValue = string | number | boolean | undefined | null;

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  body?: unknown;
  signal?: AbortSignal;
  /** Do not treat a 401 as "session over" (used by the login call itself). */
  noAuthRedirect?: boolean;
}

export interface ApiClientOptions {
  baseUrl?: string;
  getToken: () => string | null;
  onUnauthorized?: () => void;
  fetchImpl?: typeof fetch;
}

export function buildQuery(query?: Record<string, QueryValue>): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    params.append(k, String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** Turns a non-2xx response into an ApiError, reading the server's error body when there is one. */
export async function errorFromResponse(res: Response): Promise<ApiError> {
  let text = '';
  try {
    text = await res.text();
  } catch {
    text = '';
  }
  if (text) {
    try {
      const parsed: unknown = JSON.parse(text);
      const err = (parsed as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
      if (err && typeof err === 'object') {
        const code = typeof err.code === 'string' && err.code ? err.code : `http_${res.status}`;
        const message = typeof err.message === 'string' && err.message ? err.message : res.statusText || code;
        return new ApiError(res.status, code, message, Array.isArray(err.details) ? err.details : []);
      }
    } catch {
      // Not JSON (a proxy's HTML page, for example): fall through to the raw text.
    }
  }
  const snippet = text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200);
  return new ApiError(res.status, `http_${res.status}`, snippet || res.statusText || `HTTP ${res.status}`);
}

export class ApiClient {
  private readonly baseUrl: string;
  private readonly getToken: () => string | null;
  private readonly onUnauthorized?: () => void;
  private readonly fetchImpl: typeof fetch;

  constructor(opts: ApiClientOptions) {
    this.baseUrl = opts.baseUrl ?? '/api/v1';
    this.getToken = opts.getToken;
    this.onUnauthorized = opts.onUnauthorized;
    this.fetchImpl = opts.fetchImpl ?? ((input, init) => fetch(input, init));
  }

  async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    const token = this.getToken();
    if (token) headers.Authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (opts.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    let res: Response;
    try {
      res = await this.fetchImpl(this.baseUrl + path + buildQuery(opts.query), {
        method,
        headers,
        body,
        signal: opts.signal,
      });
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') throw e;
      throw new ApiError(0, 'network_error', e instanceof Error ? e.message : String(e));
    }
    return this.handle<T>(res, opts);
  }

  /** Reads a response the way request() does (errors, 401, empty bodies, JSON). */
  async handle<T>(res: Response, opts: Pick<RequestOptions, 'noAuthRedirect'> = {}): Promise<T> {
    if (!res.ok) {
      const err = await errorFromResponse(res);
      if (res.status === 401 && !opts.noAuthRedirect) this.onUnauthorized?.();
      throw err;
    }
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    if (!text) return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiError(res.status, 'bad_response', 'The server sent a response that is not JSON');
    }
  }

  get<T>(path: string, query?: Record<string, QueryValue>, signal?: AbortSignal): Promise<T> {
    return this.request<T>('GET', path, { query, signal });
  }

  post<T>(path: string, body?: unknown, opts: Omit<RequestOptions, 'body'> = {}): Promise<T> {
    return this.request<T>('POST', path, { ...opts, body });
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, { body });
  }

  del(path: string): Promise<void> {
    return this.request<void>('DELETE', path);
  }
}
