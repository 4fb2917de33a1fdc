// Notices played to callers (GET /api/v1/notices, PUT /notices/{id} {active, text}).
import { CrudPage, type CrudConfig } from '../../components/CrudPage';

type Notice = { id: string; text?: string } & Record<string, unknown>;

const cfg: CrudConfig<Notice> = {
  title: 'notice.title',
  what: 'notice.title',
  path: '/notices',
  readPerm: 'flows.read',
  writePerm: 'flows.write',
  nameOf: (r) => String(r.name ?? r.id),
  canCreate: false,
  canDelete: false,
  updateMethod: 'PUT',
  searchable: false,
  columns: [
    { key: 'id', label: 'notice.id', width: 160 },
    { key: 'text', label: 'notice.text' },
    { key: 'active', label: 'notice.active', width: 90 },
  ],
  fields: [
    { name: 'active', label: 'notice.active', kind: 'bool' },
    { name: 'text', label: 'notice.text', kind: 'textarea' },
  ],
};

export default function NoticesPage() {
  return <CrudPage cfg={cfg} />;
}
