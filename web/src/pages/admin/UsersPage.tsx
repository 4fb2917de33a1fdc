// Users: search and page through them, create, edit, enable/disable, unlock,
// reset the password, delete. Department and role pickers come from the API.
import { useCallback, useEffect, useState } from 'react';
import { App, Button, Input, Popconfirm, Space, Table, Tag, Tooltip, TreeSelect, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { KeyOutlined, PlusOutlined, ReloadOutlined, UnlockOutlined } from '@ant-design/icons';
import { useI18n } from '../../i18n';
import { useAuth } from '../../auth/AuthProvider';
import { api } from '../../api/session';
import { usersApi } from '../../api/resources';
import { errorText } from '../../api/errorText';
import type { Page, User } from '../../api/types';
import { formatTime, isFuture } from '../../components/time';
import { useDepartments, useRoles } from './useDirectory';
import { PasswordModal, UserFormModal } from './UserModals';

const PAGE_SIZE = 20;

export default function UsersPage() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const { can, me } = useAuth();
  const writable = can('users.write');
  const deps = useDepartments(can('departments.read'));
  const roles = useRoles(can('roles.read'));
  const [q, setQ] = useState('');
  const [departmentId, setDepartmentId] = useState<string | undefined>();
  const [page, setPage] = useState(1);
  const [data, setData] = useState<Page<User> | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [version, setVersion] = useState(0);
  const [editing, setEditing] = useState<User | 'new' | null>(null);
  const [pwUser, setPwUser] = useState<User | null>(null);

  const reload = useCallback(() => setVersion((v) => v + 1), []);

  useEffect(() => {
    const ctrl = new AbortController();
    setLoading(true);
    usersApi(api)
      .list({ limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE, q, department_id: departmentId }, ctrl.signal)
      .then((d) => {
        setData(d);
        setError(null);
        setLoading(false);
      })
      .catch((e: unknown) => {
        if (ctrl.signal.aborted) return;
        setError(e);
        setLoading(false);
      });
    return () => ctrl.abort();
  }, [page, q, departmentId, version]);

  const act = async (fn: () => Promise<unknown>, done: string) => {
    try {
      await fn();
      message.success(done);
      reload();
    } catch (e) {
      message.error(errorText(t, e));
    }
  };

  const columns: ColumnsType<User> = [
    { title: t('users.username'), dataIndex: 'username', key: 'username', ellipsis: true },
    { title: t('users.displayName'), dataIndex: 'display_name', key: 'display_name', ellipsis: true },
    {
      title: t('users.department'),
      key: 'department',
      ellipsis: true,
      render: (_, u) => (u.department_id ? deps.byId.get(u.department_id)?.name ?? u.department_id : ''),
    },
    {
      title: t('users.roles'),
      key: 'roles',
      render: (_, u) => (
        <>
          {(u.role_ids ?? []).map((id) => (
            <Tag key={id}>{roles.byId.get(id)?.name ?? id}</Tag>
          ))}
        </>
      ),
    },
    {
      title: t('users.status'),
      key: 'status',
      width: 150,
      render: (_, u) => (
        <Space size={4} wrap>
          {u.enabled ? <Tag color="green">{t('users.enabled')}</Tag> : <Tag>{t('users.disabled')}</Tag>}
          {isFuture(u.locked_until) ? (
            <Tooltip title={t('users.lockedUntil', { time: formatTime(u.locked_until, lang) })}>
              <Tag color="red">{t('users.locked')}</Tag>
            </Tooltip>
          ) : null}
        </Space>
      ),
    },
    {
      title: t('users.lastLogin'),
      dataIndex: 'last_login_at',
      key: 'last_login_at',
      width: 170,
      render: (v: string | null) => formatTime(v, lang) || '—',
    },
  ];
  if (writable) {
    columns.push({
      title: t('common.actions'),
      key: 'actions',
      width: 300,
      render: (_, u) => {
        const self = u.id === me?.user.id;
        return (
          <Space size={0} wrap>
            <Button type="link" size="small" onClick={() => setEditing(u)} aria-label={t('users.editNamed', { name: u.username })}>
              {t('common.edit')}
            </Button>
            <Button
              type="link"
              size="small"
              disabled={self}
              onClick={() =>
                void act(
                  () => usersApi(api).update(u.id, { enabled: !u.enabled }),
                  u.enabled ? t('users.disabledDone', { name: u.username }) : t('users.enabledDone', { name: u.username }),
                )
              }
            >
              {u.enabled ? t('users.disable') : t('users.enable')}
            </Button>
            {isFuture(u.locked_until) ? (
              <Button
                type="link"
                size="small"
                icon={<UnlockOutlined />}
                onClick={() => void act(() => usersApi(api).unlock(u.id), t('users.unlockedDone', { name: u.username }))}
              >
                {t('users.unlock')}
              </Button>
            ) : null}
            <Button
              type="link"
              size="small"
              icon={<KeyOutlined />}
              onClick={() => setPwUser(u)}
              aria-label={t('users.resetPasswordNamed', { name: u.username })}
            >
              {t('users.resetPassword')}
            </Button>
            <Popconfirm
              title={t('users.deleteConfirm', { name: u.username })}
              okText={t('common.delete')}
              cancelText={t('common.cancel')}
              onConfirm={() => act(() => usersApi(api).remove(u.id), t('users.deletedDone', { name: u.username }))}
              disabled={self}
            >
              <Button type="link" size="small" danger disabled={self}>
                {t('common.delete')}
              </Button>
            </Popconfirm>
          </Space>
        );
      },
    });
  }

  return (
    <section aria-labelledby="users-title">
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Typography.Title level={4} id="users-title" style={{ margin: 0 }}>
          {t('users.title')}
        </Typography.Title>
        <Space wrap>
          <Input.Search
            allowClear
            placeholder={t('users.searchPlaceholder')}
            aria-label={t('users.search')}
            onSearch={(v) => {
              setPage(1);
              setQ(v.trim());
            }}
            style={{ width: 240 }}
          />
          <TreeSelect
            allowClear
            treeDefaultExpandAll
            placeholder={t('users.filterDepartment')}
            aria-label={t('users.filterDepartment')}
            treeData={deps.tree}
            value={departmentId}
            onChange={(v?: string) => {
              setPage(1);
              setDepartmentId(v);
            }}
            style={{ width: 200 }}
          />
          <Button icon={<ReloadOutlined />} onClick={reload} aria-label={t('common.refresh')} />
          {writable ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
              {t('users.create')}
            </Button>
          ) : null}
        </Space>
      </Space>
      {error ? (
        <Typography.Paragraph type="danger" role="alert">
          {errorText(t, error)}
        </Typography.Paragraph>
      ) : null}
      <Table<User>
        rowKey="id"
        size="middle"
        loading={loading}
        columns={columns}
        dataSource={data?.items ?? []}
        scroll={{ x: 1000 }}
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          total: data?.total ?? 0,
          showSizeChanger: false,
          showTotal: (total) => t('common.total', { total }),
          onChange: setPage,
        }}
      />
      {editing ? (
        <UserFormModal
          user={editing === 'new' ? null : editing}
          departments={deps.tree}
          roles={roles.roles}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            reload();
          }}
        />
      ) : null}
      {pwUser ? <PasswordModal user={pwUser} onClose={() => setPwUser(null)} /> : null}
    </section>
  );
}
