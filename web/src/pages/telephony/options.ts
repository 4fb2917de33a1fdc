// Pickers shared by the resource pages: where their options come from.
import type { TFunction } from '../../i18n';
import type { Option } from '../../components/crud';

export const DEPARTMENT_OPTIONS = { path: '/departments', value: 'id', label: 'name' };
export const TRUNK_OPTIONS = { path: '/trunks', value: 'id', label: 'name' };
export const QUEUE_OPTIONS = { path: '/queues', value: 'id', label: 'name' };
export const FLOW_OPTIONS = { path: '/flows', value: 'id', label: 'name' };
export const EXTENSION_OPTIONS = { path: '/extensions', value: 'number', label: 'number' };
export const AGENT_OPTIONS = { path: '/agents', value: 'id', label: 'username' };

export const opts =
  (values: readonly string[], prefix: string) =>
  (t: TFunction): Option[] =>
    values.map((v) => ({ value: v, label: t(`${prefix}.${v}` as Parameters<TFunction>[0]) }));
