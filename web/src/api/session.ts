// The browser's session: the bearer token (kept in localStorage so a reload
// keeps the agent logged in) and the one ApiClient the pages share.
import { ApiClient } from './client';

const TOKEN_KEY = 'hujiao.token';
type Listener = (token: string | null) => void;

class TokenStore {
  private token: string | null;
  private listeners = new Set<Listener>();

  constructor() {
    let stored: string | null = null;
    try {
      stored = globalThis.localStorage?.getItem(TOKEN_KEY) ?? null;
    } catch {
      stored = null;
    }
    this.token = stored;
  }

  get(): string | null {
    return this.token;
  }

  set(token: string | null): void {
    if (token === this.token) return;
    this.token = token;
    try {
      if (token) globalThis.localStorage?.setItem(TOKEN_KEY, token);
      else globalThis.localStorage?.removeItem(TOKEN_KEY);
    } catch {
      // Private mode without storage: the session lasts until the tab closes.
    }
    for (const l of this.listeners) l(token);
  }

  subscribe(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
}

export const tokenStore = new TokenStore();

/** Any 401 outside the login call means the token expired or was revoked: back to the login page. */
export const api = new ApiClient({
  getToken: () => tokenStore.get(),
  onUnauthorized: () => tokenStore.set(null),
});
