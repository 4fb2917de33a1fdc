// Agents (GET /api/v1/agents, PATCH /agents/{id}): an agent is a user with the
// agent role; here he gets his extension, skills and auto-answer.
import { Tag } from 'antd';
import { CrudPage, type CrudConfig } from '../../components/CrudPage';
import { formatSkills } from '../../components/crud';
import { hasKey } from '../../i18n';
import { EXTENSION_OPTIONS } from '../telephony/options';
import { api } from '../../api/session';

const USER_OPTIONS = { path: '/users', value: 'id', label: 'username' };

type Agent = { id: string; username: string; display_name?: string; state?: string } & Record<string, unknown>;

export const STATE_COLORS: Record<string, string> = {
  logged_out: 'default',
  ready: 'green',
  not_ready: 'orange',
  reserved: 'blue',
  busy: 'red',
  wrap_up: 'purple',
};

const cfg: CrudConfig<Agent> = {
  title: 'agent.title',
  what: 'agent.title',
  path: '/agents',
  readPerm: 'agents.read',
  writePerm: 'queues.write',
  nameOf: (r) => r.display_name || r.username,
  canDelete: false,
  // A user becomes an agent when he gets agent settings: PATCH /agents/{user id}.
  create: ({ user_id: userId, ...rest }) => api.patch(`/agents/${encodeURIComponent(String(userId))}`, rest),
  columns: [
    { key: 'username', label: 'users.username' },
    { key: 'display_name', label: 'users.displayName' },
    { key: 'extension', label: 'agent.extension', width: 100 },
    { key: 'skills', label: 'agent.skills', render: (r) => formatSkills(r.skills) || '—' },
    {
      key: 'state',
      label: 'agent.state',
      width: 120,
      render: (r, t) => {
        const k = `agentState.${String(r.state ?? 'logged_out')}`;
        return <Tag color={STATE_COLORS[String(r.state)] ?? 'default'}>{hasKey(k) ? t(k) : String(r.state)}</Tag>;
      },
    },
    { key: 'auto_answer', label: 'agent.autoAnswer', width: 110 },
  ],
  fields: [
    { name: 'user_id', label: 'agent.user', kind: 'select', required: true, createOnly: true, hideOnEdit: true, optionsFrom: USER_OPTIONS, help: 'agent.userHelp' },
    { name: 'extension', label: 'agent.extension', kind: 'select', optionsFrom: EXTENSION_OPTIONS },
    { name: 'skills', label: 'agent.skills', kind: 'skills', levelKey: 'level', help: 'agent.skillsHelp' },
    { name: 'auto_answer', label: 'agent.autoAnswer', kind: 'bool' },
  ],
};

export default function AgentsPage() {
  return <CrudPage cfg={cfg} />;
}
