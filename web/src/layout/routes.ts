// The console's pages and the permission each needs (any one of `perms`).
// The menu shows only what the user may open; the server checks again.
import type { MessageKey } from '../i18n';
import { hasAny } from '../auth/permissions';

export interface PageDef {
  key: string;
  path: string;
  label: MessageKey;
  perms: readonly string[];
  group: 'work' | 'admin';
}

export const PAGES: readonly PageDef[] = [
  { key: 'desktop', path: '/desktop', label: 'menu.desktop', perms: ['agents.control'], group: 'work' },
  { key: 'wallboard', path: '/wallboard', label: 'menu.wallboard', perms: ['queues.read', 'agents.supervise'], group: 'work' },
  { key: 'users', path: '/admin/users', label: 'menu.users', perms: ['users.read'], group: 'admin' },
  { key: 'departments', path: '/admin/departments', label: 'menu.departments', perms: ['departments.read'], group: 'admin' },
  { key: 'roles', path: '/admin/roles', label: 'menu.roles', perms: ['roles.read'], group: 'admin' },
  { key: 'audit', path: '/admin/audit', label: 'menu.audit', perms: ['audit.read'], group: 'admin' },
];

export function visiblePages(permissions: readonly string[]): PageDef[] {
  return PAGES.filter((p) => hasAny(permissions, p.perms));
}

/** Where a user lands after login: supervisors on the wallboard, agents on their desktop. */
export function homePath(permissions: readonly string[]): string {
  const pages = visiblePages(permissions);
  if (hasAny(permissions, ['agents.supervise'])) {
    const wb = pages.find((p) => p.key === 'wallboard');
    if (wb) return wb.path;
  }
  return pages[0]?.path ?? '/nothing';
}
