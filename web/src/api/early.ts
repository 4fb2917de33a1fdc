// The requests index.html starts before the bundle is loaded (a logged-in
// reload's /auth/me and, on the desktop, the agent's record). Each is handed
// out once, and only for the token it was made with; otherwise callers fetch.
import { api } from './session';

interface Early {
  token: string;
  me?: Promise<Response>;
  agent?: Promise<Response | null>;
}

function early(): Early | undefined {
  return (globalThis as { __hujiaoEarly?: Early }).__hujiaoEarly;
}

/** The early /auth/me answer for this token, or null. */
export function takeEarlyMe<T>(token: string): Promise<T> | null {
  const e = early();
  if (!e || e.token !== token || !e.me) return null;
  const p = e.me;
  e.me = undefined;
  return p.then((res) => api.handle<T>(res));
}

/** The early GET /agents answer (the agents this user sees), or null (then the caller fetches). */
export function takeEarlyAgent<T>(token: string | null): Promise<T> | null {
  const e = early();
  if (!e || !token || e.token !== token || !e.agent) return null;
  const p = e.agent;
  e.agent = undefined;
  return p.then((res) => {
    if (!res) throw new Error('no early agent answer');
    return api.handle<T>(res);
  });
}
