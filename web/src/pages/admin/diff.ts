// Field-by-field difference between an audit entry's "before" and "after".

export type DiffKind = 'added' | 'removed' | 'changed' | 'same';

export interface DiffRow {
  path: string;
  kind: DiffKind;
  before?: unknown;
  after?: unknown;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Flattens nested objects into dotted paths (arrays compare as whole values,
 * which reads best for role_ids or permissions). Rows come sorted by path.
 */
export function diffObjects(before: unknown, after: unknown, includeSame = false): DiffRow[] {
  const rows: DiffRow[] = [];
  const walk = (b: unknown, a: unknown, prefix: string) => {
    if (isPlainObject(b) && isPlainObject(a)) {
      const keys = new Set([...Object.keys(b), ...Object.keys(a)]);
      for (const k of [...keys].sort()) walk(b[k], a[k], prefix ? `${prefix}.${k}` : k);
      return;
    }
    if (isPlainObject(b) && a === undefined) {
      for (const k of Object.keys(b).sort()) walk(b[k], undefined, prefix ? `${prefix}.${k}` : k);
      return;
    }
    if (isPlainObject(a) && b === undefined) {
      for (const k of Object.keys(a).sort()) walk(undefined, a[k], prefix ? `${prefix}.${k}` : k);
      return;
    }
    const path = prefix || '(value)';
    if (b === undefined && a !== undefined) rows.push({ path, kind: 'added', after: a });
    else if (a === undefined && b !== undefined) rows.push({ path, kind: 'removed', before: b });
    else if (!equal(a, b)) rows.push({ path, kind: 'changed', before: b, after: a });
    else if (includeSame && a !== undefined) rows.push({ path, kind: 'same', before: b, after: a });
  };
  walk(before ?? undefined, after ?? undefined, '');
  return rows;
}

export function showValue(v: unknown): string {
  if (v === undefined) return '';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}
