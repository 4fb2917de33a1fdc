// The dial plan (GET/POST/PATCH/DELETE /api/v1/dial-rules): which trunks take
// which outbound numbers, and how the number and caller id are rewritten.
import { CrudPage, type CrudConfig } from '../../components/CrudPage';
import { TRUNK_OPTIONS, opts } from './options';

type Rule = { id: string; name: string } & Record<string, unknown>;

const cfg: CrudConfig<Rule> = {
  title: 'rule.title',
  what: 'rule.title',
  path: '/dial-rules',
  readPerm: 'trunks.read',
  writePerm: 'trunks.write',
  nameOf: (r) => r.name,
  columns: [
    { key: 'priority', label: 'rule.priority', width: 80 },
    { key: 'name', label: 'common.name' },
    { key: 'prefix', label: 'rule.prefix', width: 100 },
    { key: 'min_length', label: 'rule.minLength', width: 100 },
    { key: 'max_length', label: 'rule.maxLength', width: 100 },
    { key: 'strip_digits', label: 'rule.strip', width: 90 },
    { key: 'prepend', label: 'rule.prepend', width: 90 },
    { key: 'caller_id_policy', label: 'rule.callerIdPolicy', width: 120 },
  ],
  fields: [
    { name: 'name', label: 'common.name', kind: 'text', required: true },
    { name: 'priority', label: 'rule.priority', kind: 'number', min: 0 },
    { name: 'prefix', label: 'rule.prefix', kind: 'text' },
    { name: 'min_length', label: 'rule.minLength', kind: 'number', min: 0, max: 32 },
    { name: 'max_length', label: 'rule.maxLength', kind: 'number', min: 0, max: 32 },
    { name: 'strip_digits', label: 'rule.strip', kind: 'number', min: 0, max: 32 },
    { name: 'prepend', label: 'rule.prepend', kind: 'text' },
    { name: 'trunk_ids', label: 'rule.trunks', kind: 'multiselect', optionsFrom: TRUNK_OPTIONS },
    { name: 'caller_id_policy', label: 'rule.callerIdPolicy', kind: 'select', options: opts(['keep', 'fixed', 'trunk'], 'rule.cid') },
    { name: 'caller_id', label: 'trunk.callerId', kind: 'text', showIf: (v) => v.caller_id_policy === 'fixed' },
  ],
};

export default function DialRulesPage() {
  return <CrudPage cfg={cfg} />;
}
