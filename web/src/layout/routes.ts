// The console's pages and the permission each needs (any one of `perms`).
// The menu shows only what the user may open; the server checks again.
import type { MessageKey } from '../i18n';
import { hasAny } from '../auth/permissions';

export type PageGroup = 'work' | 'center' | 'telephony' | 'records' | 'admin';
export const GROUPS: readonly PageGroup[] = ['work', 'center', 'telephony', 'records', 'admin'];

export interface PageDef {
  key: string;
  path: string;
  label: MessageKey;
  perms: readonly string[];
  /** And also one of these (when set). */
  alsoAny?: readonly string[];
  group: PageGroup;
}

// Who searches other people's recordings (supervisors, QA, auditors, admins);
// an agent only has his own, on "My recordings".
const OVERSEERS = ['agents.supervise', 'qa.score', 'audit.read', 'users.read'] as const;

export const PAGES: readonly PageDef[] = [
  { key: 'desktop', path: '/desktop', label: 'menu.desktop', perms: ['agents.control'], group: 'work' },
  { key: 'myrecordings', path: '/my/recordings', label: 'menu.myRecordings', perms: ['agents.control'], alsoAny: ['recordings.read'], group: 'work' },
  { key: 'wallboard', path: '/wallboard', label: 'menu.wallboard', perms: ['queues.read', 'agents.supervise'], group: 'work' },
  { key: 'queues', path: '/center/queues', label: 'menu.queues', perms: ['queues.read'], group: 'center' },
  { key: 'agents', path: '/center/agents', label: 'menu.agents', perms: ['agents.supervise', 'queues.write'], group: 'center' },
  { key: 'flows', path: '/center/flows', label: 'menu.flows', perms: ['flows.read'], group: 'center' },
  { key: 'blacklist', path: '/center/blacklist', label: 'menu.blacklist', perms: ['blacklist.read'], group: 'center' },
  { key: 'notices', path: '/center/notices', label: 'menu.notices', perms: ['flows.read'], group: 'center' },
  { key: 'extensions', path: '/telephony/extensions', label: 'menu.extensions', perms: ['extensions.read'], group: 'telephony' },
  { key: 'trunks', path: '/telephony/trunks', label: 'menu.trunks', perms: ['trunks.read'], group: 'telephony' },
  { key: 'dids', path: '/telephony/dids', label: 'menu.dids', perms: ['dids.read'], group: 'telephony' },
  { key: 'dialrules', path: '/telephony/dial-rules', label: 'menu.dialRules', perms: ['trunks.read'], group: 'telephony' },
  { key: 'recordings', path: '/records/recordings', label: 'menu.recordings', perms: ['recordings.read'], alsoAny: OVERSEERS, group: 'records' },
  { key: 'cdrs', path: '/records/cdrs', label: 'menu.cdrs', perms: ['cdrs.read'], group: 'records' },
  { key: 'reports', path: '/records/reports', label: 'menu.reports', perms: ['reports.read'], group: 'records' },
  { key: 'staffing', path: '/records/staffing', label: 'menu.staffing', perms: ['reports.read'], group: 'records' },
  { key: 'users', path: '/admin/users', label: 'menu.users', perms: ['users.read'], group: 'admin' },
  { key: 'departments', path: '/admin/departments', label: 'menu.departments', perms: ['departments.read'], group: 'admin' },
  { key: 'roles', path: '/admin/roles', label: 'menu.roles', perms: ['roles.read'], group: 'admin' },
  { key: 'audit', path: '/admin/audit', label: 'menu.audit', perms: ['audit.read'], group: 'admin' },
  { key: 'webhooks', path: '/admin/webhooks', label: 'menu.webhooks', perms: ['system.admin'], group: 'admin' },
];

export function visiblePages(permissions: readonly string[]): PageDef[] {
  return PAGES.filter((p) => hasAny(permissions, p.perms) && (!p.alsoAny || hasAny(permissions, p.alsoAny)));
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
