// SIP extensions (GET/POST/PATCH/DELETE /api/v1/extensions).
import { CrudPage, type CrudConfig } from '../../components/CrudPage';
import { DEPARTMENT_OPTIONS } from './options';

type Ext = { id: string; number: string; display_name?: string } & Record<string, unknown>;

const cfg: CrudConfig<Ext> = {
  title: 'ext.title',
  what: 'ext.title',
  path: '/extensions',
  readPerm: 'extensions.read',
  writePerm: 'extensions.write',
  nameOf: (r) => r.number,
  columns: [
    { key: 'number', label: 'ext.number', width: 110 },
    { key: 'display_name', label: 'ext.displayName' },
    { key: 'call_limit', label: 'ext.callLimit', width: 110 },
    { key: 'dnd', label: 'ext.dnd', width: 90 },
    { key: 'enabled', label: 'common.enabled', width: 90 },
  ],
  fields: [
    { name: 'number', label: 'ext.number', kind: 'text', required: true },
    { name: 'password', label: 'ext.password', kind: 'password', required: true, writeOnly: true },
    { name: 'display_name', label: 'ext.displayName', kind: 'text' },
    { name: 'department_id', label: 'common.department', kind: 'select', optionsFrom: DEPARTMENT_OPTIONS },
    { name: 'max_contacts', label: 'ext.maxContacts', kind: 'number', min: 1, max: 20 },
    { name: 'call_limit', label: 'ext.callLimit', kind: 'number', min: 0, max: 100 },
    { name: 'allowed_codecs', label: 'ext.codecs', kind: 'tags', options: () => ['PCMU', 'PCMA', 'G722', 'G729', 'opus'].map((c) => ({ value: c, label: c })) },
    { name: 'dnd', label: 'ext.dnd', kind: 'bool' },
    { name: 'enabled', label: 'common.enabled', kind: 'bool' },
  ],
};

export default function ExtensionsPage() {
  return <CrudPage cfg={cfg} />;
}
