import { describe, expect, it } from 'vitest';
import * as AuditSlice from './auditSlice';
import { diffObjects, showValue } from './diff';
import { buildDepartmentTree } from './useDirectory';
import { hasAny, hasPermission } from '../../auth/permissions';
import { homePath, visiblePages } from '../../layout/routes';

describe('diffObjects', () => {
  it('lists added, removed and changed fields with dotted paths', () => {
    const before = { username: 'li', enabled: true, role_ids: ['r1'], prefs: { lang: 'en' }, phone: '1' };
    const after = { username: 'li', enabled: false, role_ids: ['r1', 'r2'], prefs: { lang: 'zh' }, email: 'a@b' };
    expect(diffObjects(before, after)).toEqual([
      { path: 'email', kind: 'added', after: 'a@b' },
      { path: 'enabled', kind: 'changed', before: true, after: false },
      { path: 'phone', kind: 'removed', before: '1' },
      { path: 'prefs.lang', kind: 'changed', before: 'en', after: 'zh' },
      { path: 'role_ids', kind: 'changed', before: ['r1'], after: ['r1', 'r2'] },
    ]);
  });
  it('handles create (no before), delete (no after) and scalars', () => {
    expect(diffObjects(null, { a: 1 })).toEqual([{ path: 'a', kind: 'added', after: 1 }]);
    expect(diffObjects({ a: 1 }, null)).toEqual([{ path: 'a', kind: 'removed', before: 1 }]);
    expect(diffObjects('x', 'y')).toEqual([{ path: '(value)', kind: 'changed', before: 'x', after: 'y' }]);
    expect(diffObjects({ a: 1 }, { a: 1 })).toEqual([]);
    expect(showValue(['a'])).toBe('["a"]');
  });
});

describe('buildDepartmentTree', () => {
  it('nests by parent_id, sorts by name, survives orphans and cycles', () => {
    const tree = buildDepartmentTree([
      { id: 'b', name: 'Beijing', parent_id: null, description: '' },
      { id: 's', name: 'Sales', parent_id: 'b', description: '' },
      { id: 'a', name: 'Anhui', parent_id: null, description: '' },
      { id: 'o', name: 'Orphan', parent_id: 'gone', description: '' },
      { id: 'x', name: 'X', parent_id: 'y', description: '' },
      { id: 'y', name: 'Y', parent_id: 'x', description: '' },
    ]);
    const titles = tree.map((n) => n.title);
    expect(titles.slice(0, 3)).toEqual(['Anhui', 'Beijing', 'Orphan']);
    expect(tree.find((n) => n.key === 'b')!.children.map((c) => c.key)).toEqual(['s']);
    // Every department appears exactly once.
    const all: string[] = [];
    const walk = (ns: typeof tree) => ns.forEach((n) => (all.push(n.key), walk(n.children)));
    walk(tree);
    expect(all.sort()).toEqual(['a', 'b', 'o', 's', 'x', 'y']);
  });
});

describe('permissions and menu', () => {
  it('checks exact names and wildcards', () => {
    expect(hasPermission(['users.read'], 'users.read')).toBe(true);
    expect(hasPermission(['users.read'], 'users.write')).toBe(false);
    expect(hasPermission(['users.*'], 'users.write')).toBe(true);
    expect(hasPermission(['*'], 'audit.read')).toBe(true);
    expect(hasAny([], [])).toBe(true);
  });
  it('shows an agent the desktop only and a supervisor the wallboard first', () => {
    const agent = ['agents.read', 'agents.control', 'calls.control', 'events.read'];
    expect(visiblePages(agent).map((p) => p.key)).toEqual(['desktop']);
    expect(homePath(agent)).toBe('/desktop');
    const sup = ['agents.supervise', 'queues.read', 'users.read', 'agents.control'];
    expect(homePath(sup)).toBe('/wallboard');
    expect(homePath([])).toBe('/nothing');
  });
});

describe('newestFirstSlice', () => {
  it('maps newest-first pages onto the oldest-first log', () => {
    const { newestFirstSlice } = AuditSlice;
    expect(newestFirstSlice(60, 1, 25)).toEqual({ offset: 35, limit: 25 });
    expect(newestFirstSlice(60, 2, 25)).toEqual({ offset: 10, limit: 25 });
    expect(newestFirstSlice(60, 3, 25)).toEqual({ offset: 0, limit: 10 });
    expect(newestFirstSlice(0, 1, 25)).toEqual({ offset: 0, limit: 1 });
  });
});
