// SIP trunks (GET/POST/PATCH/DELETE /api/v1/trunks).
import { CrudPage, type CrudConfig } from '../../components/CrudPage';

type Trunk = { id: string; name: string } & Record<string, unknown>;

const cfg: CrudConfig<Trunk> = {
  title: 'trunk.title',
  what: 'trunk.title',
  path: '/trunks',
  readPerm: 'trunks.read',
  writePerm: 'trunks.write',
  nameOf: (r) => r.name,
  columns: [
    { key: 'name', label: 'common.name' },
    { key: 'host', label: 'trunk.host' },
    { key: 'port', label: 'trunk.port', width: 80 },
    { key: 'transport', label: 'trunk.transport', width: 100 },
    { key: 'register', label: 'trunk.register', width: 100 },
    { key: 'enabled', label: 'common.enabled', width: 90 },
  ],
  fields: [
    { name: 'name', label: 'common.name', kind: 'text', required: true },
    { name: 'host', label: 'trunk.host', kind: 'text', required: true },
    { name: 'port', label: 'trunk.port', kind: 'number', min: 1, max: 65535 },
    { name: 'transport', label: 'trunk.transport', kind: 'select', options: () => ['udp', 'tcp', 'tls'].map((v) => ({ value: v, label: v.toUpperCase() })) },
    { name: 'username', label: 'trunk.username', kind: 'text' },
    { name: 'password', label: 'trunk.password', kind: 'password', writeOnly: true },
    { name: 'register', label: 'trunk.register', kind: 'bool' },
    { name: 'register_expires_s', label: 'trunk.registerExpires', kind: 'number', min: 60, max: 86400 },
    { name: 'inbound_addresses', label: 'trunk.inbound', kind: 'tags', help: 'trunk.inboundHelp' },
    { name: 'max_channels', label: 'trunk.maxChannels', kind: 'number', min: 0 },
    { name: 'caller_id', label: 'trunk.callerId', kind: 'text' },
    { name: 'enabled', label: 'common.enabled', kind: 'bool' },
  ],
};

export default function TrunksPage() {
  return <CrudPage cfg={cfg} />;
}
