// Reading a recording's audio with Range requests (see fetchAudio).
import { errorFromResponse } from '../../api/client';

export function audioUrl(id: string): string {
  return `/api/v1/recordings/${encodeURIComponent(id)}/audio`;
}

/** "bytes 0-4194303/9000000" → 9000000. */
export function totalOf(contentRange: string | null): number | null {
  const m = /\/(\d+)\s*$/.exec(contentRange ?? '');
  return m ? Number(m[1]) : null;
}

/**
 * The recording's bytes through Range requests (the server answers a whole
 * file only up to a size, then in pieces of 206). An <audio> element cannot
 * send the bearer token, so the console reads the pieces itself and plays
 * them from a Blob; seeking then works locally.
 */
export async function fetchAudio(id: string, token: string | null, signal?: AbortSignal): Promise<Blob> {
  const parts: ArrayBuffer[] = [];
  let type = 'audio/wav';
  let from = 0;
  for (let i = 0; i < 1000; i++) {
    const headers: Record<string, string> = { Range: `bytes=${from}-` };
    if (token) headers.Authorization = `Bearer ${token}`;
    const res = await fetch(audioUrl(id), { headers, signal });
    if (!res.ok) throw await errorFromResponse(res);
    type = res.headers.get('Content-Type') ?? type;
    const buf = await res.arrayBuffer();
    parts.push(buf);
    from += buf.byteLength;
    const total = res.status === 206 ? totalOf(res.headers.get('Content-Range')) : null;
    if (total === null || from >= total || buf.byteLength === 0) break;
  }
  return new Blob(parts, { type });
}
