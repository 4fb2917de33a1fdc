import { describe, expect, it } from 'vitest';
import { clearDraft, draftKey, loadDraft, saveDraft, type StorageLike } from './wrapupDraft';
import { findBinding, matchShortcut, shortcutLabel, SHORTCUTS } from './shortcuts';
import { cleanNumber } from './cleanNumber';

class MemStorage implements StorageLike {
  m = new Map<string, string>();
  failing = false;
  getItem(k: string) {
    return this.m.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    if (this.failing) throw new Error('QuotaExceededError');
    this.m.set(k, v);
  }
  removeItem(k: string) {
    this.m.delete(k);
  }
}

describe('wrap-up drafts', () => {
  it('survive a reload and are per user', () => {
    const st = new MemStorage();
    saveDraft(st, 'u1', { interactionId: 'i1', disposition: 'sale', notes: '客户要回电' }, new Date('2024-05-01T08:00:00Z'));
    expect(loadDraft(st, 'u1')).toEqual({ interactionId: 'i1', disposition: 'sale', notes: '客户要回电', savedAt: '2024-05-01T08:00:00.000Z' });
    expect(loadDraft(st, 'u2')).toBeNull();
    clearDraft(st, 'u1');
    expect(loadDraft(st, 'u1')).toBeNull();
  });

  it('removes an emptied draft, survives garbage, reports a refused write', () => {
    const st = new MemStorage();
    saveDraft(st, 'u', { interactionId: null, disposition: 'x', notes: '' });
    saveDraft(st, 'u', { interactionId: null, disposition: '', notes: '' });
    expect(st.m.has(draftKey('u'))).toBe(false);
    st.m.set(draftKey('u'), '{broken');
    expect(loadDraft(st, 'u')).toBeNull();
    st.failing = true;
    expect(saveDraft(st, 'u', { interactionId: null, disposition: 'x', notes: 'y' })).toBeNull();
  });
});

describe('shortcuts', () => {
  const key = (code: string, mods: Partial<{ altKey: boolean; ctrlKey: boolean; shiftKey: boolean; metaKey: boolean }> = {}) => ({
    code,
    altKey: false,
    ctrlKey: false,
    shiftKey: false,
    metaKey: false,
    ...mods,
  });
  it('match exact modifiers on the physical key', () => {
    expect(matchShortcut(key('KeyR', { altKey: true }), SHORTCUTS.ready)).toBe(true);
    expect(matchShortcut(key('KeyR', { altKey: true, shiftKey: true }), SHORTCUTS.ready)).toBe(false);
    expect(matchShortcut(key('KeyR'), SHORTCUTS.ready)).toBe(false);
  });
  it('skip disabled bindings, auto-repeat and IME composition', () => {
    const b = [
      { spec: SHORTCUTS.answer, run: () => undefined, enabled: false },
      { spec: SHORTCUTS.hangup, run: () => undefined, enabled: true },
    ];
    expect(findBinding(key('KeyA', { altKey: true }), b)).toBeUndefined();
    expect(findBinding(key('KeyH', { altKey: true }), b)?.spec).toBe(SHORTCUTS.hangup);
    expect(findBinding({ ...key('KeyH', { altKey: true }), repeat: true }, b)).toBeUndefined();
    expect(findBinding({ ...key('KeyH', { altKey: true }), isComposing: true }, b)).toBeUndefined();
  });
  it('avoid browser-reserved keys and have readable labels', () => {
    for (const spec of Object.values(SHORTCUTS)) expect(['Alt+KeyD', 'Alt+KeyE', 'Alt+KeyF']).not.toContain(spec);
    expect(new Set(Object.values(SHORTCUTS)).size).toBe(Object.values(SHORTCUTS).length);
    expect(shortcutLabel('Alt+KeyR')).toBe('Alt+R');
  });
});

describe('dial pad', () => {
  it('keeps only dialable characters', () => {
    expect(cleanNumber(' +86 (138) 0000-0000 ')).toBe('+8613800000000');
    expect(cleanNumber('*72#abc')).toBe('*72#');
    expect(cleanNumber('1'.repeat(40))).toHaveLength(32);
  });
});

describe('CTI lists', () => {
  it('reads reasons and dispositions in either shape', async () => {
    const { readReasons, readDispositions, pushRecent } = await import('./agentApi');
    expect(readReasons({ items: ['break', 'lunch'] })).toEqual(['break', 'lunch']);
    expect(readReasons({ items: [{ code: 'training' }, 7, null] })).toEqual(['training']);
    expect(readReasons(null)).toEqual([]);
    expect(readDispositions({ items: [{ code: 'sold', label: '成交' }, { code: 'cb' }, 'x', 3] })).toEqual([
      { code: 'sold', label: '成交' },
      { code: 'cb', label: 'cb' },
      { code: 'x', label: 'x' },
    ]);
    expect(pushRecent(['1', '2', '3'], ' 2 ', 3)).toEqual(['2', '1', '3']);
    expect(pushRecent(['1'], '')).toEqual(['1']);
  });
});

describe('findAgent', () => {
  it('finds this agent in the list he sees, else says not_agent', async () => {
    const { findAgent } = await import('./agentApi');
    expect(findAgent({ items: [{ id: 'a' }, { id: 'me', state: 'ready' }] }, 'me')).toEqual({ id: 'me', state: 'ready' });
    expect(() => findAgent({ items: [{ id: 'a' }] }, 'me')).toThrowError(expect.objectContaining({ status: 404, code: 'not_agent' }));
    expect(() => findAgent(null, 'me')).toThrowError(expect.objectContaining({ code: 'not_agent' }));
  });
});
