import { describe, expect, it } from 'vitest';
import { homePath, visiblePages } from './routes';

// The built-in roles' permissions that matter for the menu (src/store/permissions.cpp).
const AGENT = ['agents.read', 'agents.control', 'calls.read', 'calls.control', 'interactions.read', 'interactions.control', 'recordings.read', 'recordings.listen', 'events.read'];

describe('menu pages', () => {
  it('gives an agent his desktop and his own recordings only', () => {
    expect(visiblePages(AGENT).map((p) => p.key)).toEqual(['desktop', 'myrecordings']);
    expect(homePath(AGENT)).toBe('/desktop');
  });

  it('gives the recordings search to those who look at other people\'s calls', () => {
    const sup = ['recordings.read', 'recordings.listen', 'agents.supervise', 'agents.control', 'queues.read'];
    const keys = visiblePages(sup).map((p) => p.key);
    expect(keys).toContain('recordings');
    expect(keys).toContain('myrecordings');
    expect(homePath(sup)).toBe('/wallboard');
    expect(visiblePages(['recordings.read', 'audit.read']).map((p) => p.key)).toContain('recordings');
    expect(visiblePages(['recordings.read']).map((p) => p.key)).not.toContain('recordings');
  });
});
