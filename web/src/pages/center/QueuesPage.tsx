// Queues (GET/POST/PATCH/DELETE /api/v1/queues) with their members
// (GET /queues/{id}/members, PUT/DELETE /queues/{id}/members/{agent_id}).
import { useState } from 'react';
import { Button } from 'antd';
import { CrudPage, type CrudConfig } from '../../components/CrudPage';
import { formatSkills } from '../../components/crud';
import { useT } from '../../i18n';
import { DEPARTMENT_OPTIONS, opts } from '../telephony/options';
import { QueueMembersDrawer } from './QueueMembersDrawer';

export type Queue = { id: string; name: string } & Record<string, unknown>;

export const STRATEGIES = ['longest_idle', 'fewest_calls', 'least_talk_time', 'round_robin', 'ring_all', 'best_skill', 'linear', 'random'];

const baseCfg: CrudConfig<Queue> = {
  title: 'queue.title',
  what: 'queue.title',
  path: '/queues',
  readPerm: 'queues.read',
  writePerm: 'queues.write',
  nameOf: (r) => r.name,
  columns: [
    { key: 'name', label: 'common.name' },
    { key: 'strategy', label: 'queue.strategy', render: (r, t) => t(`queue.strategy.${String(r.strategy)}` as 'queue.strategy.random') },
    { key: 'skills', label: 'queue.skills', render: (r) => formatSkills(r.skills, 'min_level') || '—' },
    { key: 'service_level_s', label: 'queue.serviceLevelS', width: 110 },
    { key: 'max_wait_s', label: 'queue.maxWaitS', width: 110 },
    { key: 'overflow', label: 'queue.overflow', render: (r, t) => {
      const o = (r.overflow ?? {}) as { type?: string; target?: string };
      return !o.type || o.type === 'none' ? t('queue.overflow.none') : `${t(`queue.overflow.${o.type}` as 'queue.overflow.none')} ${o.target ?? ''}`;
    } },
  ],
  fields: [
    { name: 'id', label: 'queue.id', kind: 'text', createOnly: true, help: 'queue.idHelp' },
    { name: 'name', label: 'common.name', kind: 'text', required: true },
    { name: 'department_id', label: 'common.department', kind: 'select', optionsFrom: DEPARTMENT_OPTIONS },
    { name: 'strategy', label: 'queue.strategy', kind: 'select', required: true, options: opts(STRATEGIES, 'queue.strategy') },
    { name: 'skills', label: 'queue.skills', kind: 'skills', levelKey: 'min_level', help: 'queue.skillsHelp' },
    { name: 'max_wait_s', label: 'queue.maxWaitS', kind: 'number', min: 0 },
    { name: 'max_length', label: 'queue.maxLength', kind: 'number', min: 0 },
    { name: 'overflow.type', label: 'queue.overflow', kind: 'select', options: opts(['none', 'queue', 'flow', 'voicemail', 'number'], 'queue.overflow') },
    { name: 'overflow.target', label: 'queue.overflowTarget', kind: 'text', showIf: (v) => !!v['overflow.type'] && v['overflow.type'] !== 'none' },
    { name: 'service_level_s', label: 'queue.serviceLevelS', kind: 'number', min: 1 },
    { name: 'wrap_up_s', label: 'queue.wrapUpS', kind: 'number', min: 0 },
    { name: 'ring_timeout_s', label: 'queue.ringTimeoutS', kind: 'number', min: 1 },
    { name: 'announce_every_s', label: 'queue.announceEveryS', kind: 'number', min: 0 },
    { name: 'callback_offer_wait_s', label: 'queue.callbackOfferS', kind: 'number', min: 0 },
    { name: 'join_empty', label: 'queue.joinEmpty', kind: 'bool' },
    { name: 'leave_empty', label: 'queue.leaveEmpty', kind: 'bool' },
    { name: 'moh', label: 'queue.moh', kind: 'text' },
  ],
};

export default function QueuesPage() {
  const t = useT();
  const [members, setMembers] = useState<Queue | null>(null);
  const cfg: CrudConfig<Queue> = {
    ...baseCfg,
    rowActions: (row) => (
      <Button type="link" size="small" onClick={() => setMembers(row)} aria-label={t('queue.membersOf', { name: row.name })}>
        {t('queue.members')}
      </Button>
    ),
    children: members ? <QueueMembersDrawer queue={members} onClose={() => setMembers(null)} /> : null,
  };
  return <CrudPage cfg={cfg} />;
}
