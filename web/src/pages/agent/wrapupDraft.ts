// Wrap-up drafts live in localStorage, written on every keystroke, so a
// reload, a crash or a closed tab never loses what the agent typed. A draft
// is removed only after the server accepted the wrap-up.

export interface WrapUpDraft {
  interactionId: string | null;
  disposition: string;
  notes: string;
  savedAt: string;
}

export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export function draftKey(userId: string): string {
  return `hujiao.wrapup.${userId}`;
}

export function loadDraft(storage: StorageLike | undefined, userId: string): WrapUpDraft | null {
  if (!storage) return null;
  try {
    const raw = storage.getItem(draftKey(userId));
    if (!raw) return null;
    const v = JSON.parse(raw) as Partial<WrapUpDraft>;
    return {
      interactionId: typeof v.interactionId === 'string' ? v.interactionId : null,
      disposition: typeof v.disposition === 'string' ? v.disposition : '',
      notes: typeof v.notes === 'string' ? v.notes : '',
      savedAt: typeof v.savedAt === 'string' ? v.savedAt : '',
    };
  } catch {
    return null;
  }
}

/** Returns false when the browser refused to store it (quota, private mode). */
export function saveDraft(storage: StorageLike | undefined, userId: string, draft: Omit<WrapUpDraft, 'savedAt'>, now = new Date()): WrapUpDraft | null {
  const full: WrapUpDraft = { ...draft, savedAt: now.toISOString() };
  if (!storage) return null;
  try {
    if (!draft.disposition && !draft.notes) storage.removeItem(draftKey(userId));
    else storage.setItem(draftKey(userId), JSON.stringify(full));
    return full;
  } catch {
    return null;
  }
}

export function clearDraft(storage: StorageLike | undefined, userId: string): void {
  try {
    storage?.removeItem(draftKey(userId));
  } catch {
    // Nothing to do: the draft stays until the next successful save.
  }
}
