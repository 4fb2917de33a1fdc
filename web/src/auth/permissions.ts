// Permission checks, mirroring the server: a permission is a dotted name from
// the catalogue (GET /api/v1/permissions, e.g. "users.read"); "*" or "users.*"
// would cover the names under it should a role ever carry a wildcard.

export function hasPermission(granted: readonly string[], wanted: string): boolean {
  for (const g of granted) {
    if (g === wanted || g === '*') return true;
    if (g.endsWith('.*') && wanted.startsWith(g.slice(0, -1))) return true;
  }
  return false;
}

export function hasAny(granted: readonly string[], wanted: readonly string[]): boolean {
  return wanted.length === 0 || wanted.some((w) => hasPermission(granted, w));
}
