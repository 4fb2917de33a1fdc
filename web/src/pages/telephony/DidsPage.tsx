// Inbound numbers (GET/POST/PATCH/DELETE /api/v1/dids): the target is an
// extension, an IVR flow or a queue, picked from the matching list.
import { CrudPage, type CrudConfig } from '../../components/CrudPage';
import { EXTENSION_OPTIONS, FLOW_OPTIONS, QUEUE_OPTIONS, TRUNK_OPTIONS, opts } from './options';

type Did = { id: string; number: string } & Record<string, unknown>;

const isType = (type: string) => (v: Record<string, unknown>) => (v.target_type ?? 'extension') === type;

const cfg: CrudConfig<Did> = {
  title: 'did.title',
  what: 'did.title',
  path: '/dids',
  readPerm: 'dids.read',
  writePerm: 'dids.write',
  nameOf: (r) => r.number,
  columns: [
    { key: 'number', label: 'did.number', width: 140 },
    { key: 'target_type', label: 'did.targetType', width: 120, render: (r, t) => t(`did.type.${String(r.target_type ?? 'extension')}` as 'did.type.flow') },
    { key: 'target', label: 'did.target' },
    { key: 'description', label: 'common.description' },
  ],
  fields: [
    { name: 'number', label: 'did.number', kind: 'text', required: true },
    { name: 'target_type', label: 'did.targetType', kind: 'select', required: true, options: opts(['extension', 'flow', 'queue'], 'did.type') },
    // One picker per target type; only the one for the chosen type is shown and sent.
    { name: 'target', label: 'did.targetExtension', kind: 'select', required: true, optionsFrom: EXTENSION_OPTIONS, showIf: isType('extension') },
    { name: 'target', label: 'did.targetFlow', kind: 'select', required: true, optionsFrom: FLOW_OPTIONS, showIf: isType('flow') },
    { name: 'target', label: 'did.targetQueue', kind: 'select', required: true, optionsFrom: QUEUE_OPTIONS, showIf: isType('queue') },
    { name: 'trunk_id', label: 'did.trunk', kind: 'select', optionsFrom: TRUNK_OPTIONS },
    { name: 'description', label: 'common.description', kind: 'text' },
  ],
};

export default function DidsPage() {
  return <CrudPage cfg={cfg} />;
}
