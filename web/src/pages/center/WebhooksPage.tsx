// Webhooks (GET/POST /api/v1/webhooks, DELETE /webhooks/{id}): event deliveries
// signed with X-Hujiao-Signature (HMAC-SHA256 of the body with the secret).
import { CrudPage, type CrudConfig } from '../../components/CrudPage';

type Hook = { id: string; url: string } & Record<string, unknown>;

const EVENTS = ['agent.state', 'interaction.offered', 'interaction.queued', 'interaction.answered', 'interaction.abandoned', 'interaction.ended', 'queue.stats', 'call.created', 'call.answered', 'call.ended', 'ivr.ended'];

const cfg: CrudConfig<Hook> = {
  title: 'webhook.title',
  what: 'webhook.title',
  path: '/webhooks',
  readPerm: 'system.admin',
  writePerm: 'system.admin',
  nameOf: (r) => r.url,
  canEdit: false,
  searchable: false,
  columns: [
    { key: 'url', label: 'webhook.url' },
    { key: 'events', label: 'webhook.events' },
  ],
  fields: [
    { name: 'url', label: 'webhook.url', kind: 'text', required: true },
    { name: 'secret', label: 'webhook.secret', kind: 'password', writeOnly: true, required: true },
    { name: 'events', label: 'webhook.events', kind: 'tags', options: () => EVENTS.map((e) => ({ value: e, label: e })) },
  ],
};

export default function WebhooksPage() {
  return <CrudPage cfg={cfg} />;
}
