/**
 * The server lists the audit log oldest first; the console shows newest first.
 * For page `page` (1-based) of a log of `total` entries: which slice to ask for.
 */
export function newestFirstSlice(total: number, page: number, size: number): { offset: number; limit: number } {
  const end = Math.max(0, total - (page - 1) * size);
  const offset = Math.max(0, end - size);
  return { offset, limit: Math.max(1, end - offset) };
}
