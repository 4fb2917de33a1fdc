// Field and column definitions of the generic resource pages (CrudPage), and
// the pure conversions between an API object and the form (unit-tested).
import type { ReactNode } from 'react';
import type { MessageKey, TFunction } from '../i18n';

export type FieldKind =
  | 'text'
  | 'password'
  | 'number'
  | 'bool'
  | 'select'
  | 'multiselect'
  | 'tags'
  | 'textarea'
  | 'skills';

export interface Option {
  value: string;
  label: string;
}

export interface FieldDef {
  /** Dotted for nested objects: "overflow.type". */
  name: string;
  label: MessageKey;
  kind: FieldKind;
  required?: boolean;
  /** Only on create (e.g. a username that never changes). */
  createOnly?: boolean;
  /** A create-only field not even shown when editing (e.g. which user becomes an agent). */
  hideOnEdit?: boolean;
  /** Never shown back by the server (passwords): sent only when typed. */
  writeOnly?: boolean;
  /** Static options, or a list resource to read them from. */
  options?: (t: TFunction) => Option[];
  optionsFrom?: { path: string; value: string; label: string };
  /** Skills: the level's key ("level" for agents, "min_level" for queues). */
  levelKey?: string;
  min?: number;
  max?: number;
  help?: MessageKey;
  /** Shown only when this returns true for the current form values. */
  showIf?: (values: Record<string, unknown>) => boolean;
}

export interface ColumnDef<T> {
  key: string;
  label: MessageKey;
  render?: (row: T, t: TFunction) => ReactNode;
  width?: number;
}

type Obj = Record<string, unknown>;

export function getPath(o: unknown, path: string): unknown {
  let cur: unknown = o;
  for (const part of path.split('.')) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Obj)[part];
  }
  return cur;
}

export function setPath(o: Obj, path: string, v: unknown): void {
  const parts = path.split('.');
  let cur = o;
  for (const p of parts.slice(0, -1)) {
    if (!cur[p] || typeof cur[p] !== 'object') cur[p] = {};
    cur = cur[p] as Obj;
  }
  cur[parts[parts.length - 1]!] = v;
}

/** "billing:3, vip" → [{skill:"billing", level:3}, {skill:"vip", level:1}]. */
export function parseSkills(text: string, levelKey = 'level'): Array<Record<string, string | number>> {
  return text
    .split(/[,，;\n]/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const [name, lvl] = s.split(/[:：=]/).map((x) => x.trim());
      const n = Number(lvl);
      return { skill: name ?? '', [levelKey]: lvl && Number.isFinite(n) ? n : 1 };
    })
    .filter((s) => s.skill);
}

export function formatSkills(v: unknown, levelKey = 'level'): string {
  if (!Array.isArray(v)) return '';
  return v
    .map((s) => {
      const o = (s ?? {}) as Obj;
      const lvl = o[levelKey] ?? o.level ?? o.min_level;
      return lvl === undefined ? String(o.skill ?? '') : `${String(o.skill ?? '')}:${String(lvl)}`;
    })
    .filter(Boolean)
    .join(', ');
}

/** The form's initial values from an API object (flat keys, dotted names kept). */
export function toFormValues(fields: readonly FieldDef[], row: unknown): Obj {
  const out: Obj = {};
  for (const f of fields) {
    if (f.writeOnly) continue;
    const v = getPath(row, f.name);
    if (f.kind === 'skills') out[f.name] = formatSkills(v, f.levelKey);
    else if (f.kind === 'tags' || f.kind === 'multiselect') out[f.name] = Array.isArray(v) ? v.map(String) : [];
    else if (v !== undefined && v !== null) out[f.name] = f.kind === 'select' && typeof v !== 'string' ? String(v) : v;
  }
  return out;
}

/**
 * The body to send from the form values: nested objects rebuilt, empty
 * write-only fields left out, on update only fields that changed.
 */
export function toBody(fields: readonly FieldDef[], values: Obj, original: unknown | null): Obj {
  const body: Obj = {};
  for (const f of fields) {
    if (original && f.createOnly) continue;
    if (f.showIf && !f.showIf(values)) continue;
    let v = values[f.name];
    if (f.writeOnly && (v === undefined || v === '')) continue;
    if (f.kind === 'skills') v = parseSkills(typeof v === 'string' ? v : '', f.levelKey);
    if (f.kind === 'number' && (v === '' || v === null || v === undefined)) {
      if (!original) continue;
      v = null;
    }
    if (f.kind === 'text' || f.kind === 'textarea') {
      // On create an empty text is left out (the server's default applies).
      if (!original && (v === undefined || v === null || v === '')) continue;
      if (v === undefined) v = '';
    }
    if (f.kind === 'bool') v = Boolean(v);
    if (f.kind === 'select' && Array.isArray(v)) v = v[0];
    if (f.kind === 'select' && (v === undefined || v === '')) {
      if (!original) continue;
      v = null;
    }
    if (original) {
      const before = f.kind === 'skills' ? parseSkills(formatSkills(getPath(original, f.name), f.levelKey), f.levelKey) : getPath(original, f.name);
      if (JSON.stringify(before ?? null) === JSON.stringify(v ?? null) && !f.writeOnly) continue;
      if ((before === undefined || before === null) && (v === '' || v === null)) continue;
    }
    setPath(body, f.name, v);
  }
  // A nested object (overflow.type + overflow.target) is sent whole when any part changed.
  for (const f of fields) {
    const top = f.name.split('.')[0]!;
    if (f.showIf && !f.showIf(values)) continue;
    if (f.name.includes('.') && body[top] && getPath(body, f.name) === undefined && values[f.name] !== undefined) {
      setPath(body, f.name, values[f.name]);
    }
  }
  return body;
}
