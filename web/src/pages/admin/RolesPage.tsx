// Roles: the built-in ones (read-only) and custom roles built from the
// permission catalogue, shown as checkboxes grouped by resource.
import { useEffect, useMemo, useState } from 'react';
import { Alert, App, Button, Checkbox, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { PlusOutlined } from '@ant-design/icons';
import { useT, hasKey, type TFunction } from '../../i18n';
import { useAuth } from '../../auth/AuthProvider';
import { api } from '../../api/session';
import { rolesApi } from '../../api/resources';
import { errorText } from '../../api/errorText';
import type { Permission, Role } from '../../api/types';
import { useRoles } from './useDirectory';

/** Groups "users.read", "users.write" under "users", keeping the catalogue's order. */
export function groupPermissions(perms: readonly Permission[]): Array<{ group: string; items: Permission[] }> {
  const groups = new Map<string, Permission[]>();
  for (const p of perms) {
    const g = p.name.includes('.') ? p.name.slice(0, p.name.indexOf('.')) : p.name;
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g)!.push(p);
  }
  return [...groups.entries()].map(([group, items]) => ({ group, items }));
}

function scopeLabel(t: TFunction, scope: string): string {
  const key = `roles.scope.${scope}`;
  return hasKey(key) ? t(key) : scope;
}

/** The console's translation of a catalogue entry, else the server's own description. */
function permText(t: TFunction, p: Permission): string {
  const key = `perm.${p.name}`;
  return hasKey(key) ? t(key) : p.description;
}

interface RoleForm {
  name: string;
  description?: string;
  scope: string;
  permissions: string[];
}

const SCOPES = ['all', 'department', 'self'];

export default function RolesPage() {
  const t = useT();
  const { message } = App.useApp();
  const { can } = useAuth();
  const writable = can('roles.write');
  const roles = useRoles(true);
  const [catalogue, setCatalogue] = useState<Permission[]>([]);
  const [catalogueError, setCatalogueError] = useState<unknown>(null);
  const [editing, setEditing] = useState<Role | 'new' | null>(null);

  useEffect(() => {
    const ctrl = new AbortController();
    rolesApi(api)
      .permissions(ctrl.signal)
      .then(setCatalogue)
      .catch((e: unknown) => {
        if (!ctrl.signal.aborted) setCatalogueError(e);
      });
    return () => ctrl.abort();
  }, []);

  const remove = async (r: Role) => {
    try {
      await rolesApi(api).remove(r.id);
      message.success(t('roles.deletedDone', { name: r.name }));
      roles.reload();
    } catch (e) {
      message.error(errorText(t, e));
    }
  };

  const columns: ColumnsType<Role> = [
    {
      title: t('roles.name'),
      dataIndex: 'name',
      key: 'name',
      render: (name: string, r) => (
        <Space>
          {name}
          {r.builtin ? <Tag color="blue">{t('roles.builtin')}</Tag> : null}
        </Space>
      ),
    },
    { title: t('roles.description'), dataIndex: 'description', key: 'description', ellipsis: true },
    { title: t('roles.scope'), dataIndex: 'scope', key: 'scope', width: 140, render: (s: string) => scopeLabel(t, s) },
    {
      title: t('roles.permissions'),
      key: 'permissions',
      width: 140,
      render: (_, r) => (
        <Tooltip title={(r.permissions ?? []).join(', ')}>
          <span>{t('roles.permissionCount', { n: (r.permissions ?? []).length })}</span>
        </Tooltip>
      ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 180,
      render: (_, r) => (
        <Space size={0}>
          <Button type="link" size="small" onClick={() => setEditing(r)}>
            {writable && !r.builtin ? t('common.edit') : t('common.view')}
          </Button>
          {writable && !r.builtin ? (
            <Popconfirm
              title={t('roles.deleteConfirm', { name: r.name })}
              okText={t('common.delete')}
              cancelText={t('common.cancel')}
              onConfirm={() => remove(r)}
            >
              <Button type="link" size="small" danger>
                {t('common.delete')}
              </Button>
            </Popconfirm>
          ) : null}
        </Space>
      ),
    },
  ];

  return (
    <section aria-labelledby="roles-title">
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }}>
        <Typography.Title level={4} id="roles-title" style={{ margin: 0 }}>
          {t('roles.title')}
        </Typography.Title>
        {writable ? (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
            {t('roles.create')}
          </Button>
        ) : null}
      </Space>
      {roles.error ? <Alert type="error" showIcon role="alert" message={errorText(t, roles.error)} style={{ marginBottom: 12 }} /> : null}
      {catalogueError ? (
        <Alert type="warning" showIcon message={t('roles.catalogueError', { error: errorText(t, catalogueError) })} style={{ marginBottom: 12 }} />
      ) : null}
      <Table<Role> rowKey="id" size="middle" columns={columns} dataSource={roles.roles} pagination={false} />
      {editing ? (
        <RoleModal
          role={editing === 'new' ? null : editing}
          catalogue={catalogue}
          readOnly={!writable || (editing !== 'new' && editing.builtin)}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            roles.reload();
          }}
        />
      ) : null}
    </section>
  );
}

function RoleModal(props: { role: Role | null; catalogue: Permission[]; readOnly: boolean; onClose: () => void; onSaved: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<RoleForm>();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const groups = useMemo(() => {
    // Permissions a role holds but the catalogue lacks still show, so nothing is silently dropped on save.
    const known = new Set(props.catalogue.map((p) => p.name));
    const extra = (props.role?.permissions ?? []).filter((p) => !known.has(p)).map((name) => ({ name, description: '' }));
    return groupPermissions([...props.catalogue, ...extra]);
  }, [props.catalogue, props.role]);

  const submit = async () => {
    let v: RoleForm;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    setError(null);
    const body = { name: v.name.trim(), description: v.description ?? '', scope: v.scope, permissions: v.permissions ?? [] };
    try {
      if (props.role) await rolesApi(api).update(props.role.id, body);
      else await rolesApi(api).create(body);
      message.success(t('roles.savedDone', { name: body.name }));
      props.onSaved();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      width={760}
      title={props.role ? t(props.readOnly ? 'roles.viewTitle' : 'roles.editTitle', { name: props.role.name }) : t('roles.createTitle')}
      okText={t('common.save')}
      cancelText={props.readOnly ? t('common.close') : t('common.cancel')}
      okButtonProps={{ style: props.readOnly ? { display: 'none' } : undefined }}
      onOk={() => void submit()}
      onCancel={props.onClose}
      confirmLoading={busy}
      destroyOnClose
      styles={{ body: { maxHeight: '60vh', overflowY: 'auto' } }}
    >
      {error ? <Alert type="error" showIcon role="alert" message={errorText(t, error)} style={{ marginBottom: 12 }} /> : null}
      <Form<RoleForm>
        form={form}
        layout="vertical"
        disabled={props.readOnly}
        initialValues={
          props.role
            ? { name: props.role.name, description: props.role.description, scope: props.role.scope, permissions: props.role.permissions ?? [] }
            : { scope: 'department', permissions: [] }
        }
      >
        <Space style={{ width: '100%' }} align="start" wrap>
          <Form.Item label={t('roles.name')} name="name" rules={[{ required: true, whitespace: true, message: t('roles.nameRequired') }]}>
            <Input style={{ width: 220 }} />
          </Form.Item>
          <Form.Item label={t('roles.scope')} name="scope">
            <Select style={{ width: 180 }} options={SCOPES.map((s) => ({ value: s, label: scopeLabel(t, s) }))} />
          </Form.Item>
        </Space>
        <Form.Item label={t('roles.description')} name="description">
          <Input />
        </Form.Item>
        <Form.Item label={t('roles.permissions')} name="permissions">
          <Checkbox.Group style={{ width: '100%' }}>
            <div style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 8, width: '100%' }}>
              {groups.map((g) => (
                <fieldset key={g.group} style={{ border: '1px solid #f0f0f0', borderRadius: 6, padding: '4px 8px', margin: 0 }}>
                  <legend style={{ fontSize: 12, width: 'auto', margin: 0, border: 0 }}>{g.group}</legend>
                  {g.items.map((p) => (
                    <div key={p.name}>
                      <Tooltip title={permText(t, p)} placement="right">
                        <Checkbox value={p.name}>{p.name}</Checkbox>
                      </Tooltip>
                    </div>
                  ))}
                </fieldset>
              ))}
            </div>
          </Checkbox.Group>
        </Form.Item>
      </Form>
    </Modal>
  );
}
