// Create/edit user and reset-password dialogs.
import { useState } from 'react';
import { Alert, App, Form, Input, Modal, Select, Switch, TreeSelect } from 'antd';
import { useT } from '../../i18n';
import { api } from '../../api/session';
import { usersApi } from '../../api/resources';
import { errorText } from '../../api/errorText';
import type { Role, User } from '../../api/types';
import type { TreeNode } from './useDirectory';

interface UserForm {
  username: string;
  password?: string;
  display_name?: string;
  email?: string;
  phone?: string;
  department_id?: string | null;
  role_ids?: string[];
  enabled: boolean;
}

export const MIN_PASSWORD = 8;

export function UserFormModal(props: {
  user: User | null;
  departments: TreeNode[];
  roles: Role[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<UserForm>();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const editing = props.user;

  const submit = async () => {
    let v: UserForm;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    setError(null);
    const common = {
      display_name: v.display_name ?? '',
      email: v.email ?? '',
      phone: v.phone ?? '',
      department_id: v.department_id ?? null,
      role_ids: v.role_ids ?? [],
      enabled: v.enabled,
    };
    try {
      if (editing) {
        await usersApi(api).update(editing.id, common);
        message.success(t('users.savedDone', { name: editing.username }));
      } else {
        await usersApi(api).create({ ...common, username: v.username.trim(), password: v.password });
        message.success(t('users.createdDone', { name: v.username.trim() }));
      }
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
      title={editing ? t('users.editTitle', { name: editing.username }) : t('users.createTitle')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      onOk={() => void submit()}
      onCancel={props.onClose}
      confirmLoading={busy}
      destroyOnClose
      width={560}
    >
      {error ? <Alert type="error" showIcon role="alert" message={errorText(t, error)} style={{ marginBottom: 12 }} /> : null}
      <Form<UserForm>
        form={form}
        layout="vertical"
        initialValues={
          editing
            ? {
                username: editing.username,
                display_name: editing.display_name,
                email: editing.email,
                phone: editing.phone,
                department_id: editing.department_id || undefined,
                role_ids: editing.role_ids ?? [],
                enabled: editing.enabled,
              }
            : { enabled: true, role_ids: [] }
        }
        onFinish={() => void submit()}
      >
        <Form.Item
          label={t('users.username')}
          name="username"
          rules={[
            { required: true, message: t('users.usernameRequired') },
            { pattern: /^[A-Za-z0-9._@-]{1,64}$/, message: t('users.usernamePattern') },
          ]}
        >
          <Input disabled={!!editing} autoComplete="off" />
        </Form.Item>
        {editing ? null : (
          <Form.Item
            label={t('users.password')}
            name="password"
            rules={[
              { required: true, message: t('users.passwordRequired') },
              { min: MIN_PASSWORD, message: t('users.passwordMin', { n: MIN_PASSWORD }) },
            ]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        )}
        <Form.Item label={t('users.displayName')} name="display_name">
          <Input />
        </Form.Item>
        <Form.Item label={t('users.email')} name="email" rules={[{ type: 'email', message: t('users.emailInvalid') }]}>
          <Input type="email" />
        </Form.Item>
        <Form.Item label={t('users.phone')} name="phone">
          <Input type="tel" />
        </Form.Item>
        <Form.Item label={t('users.department')} name="department_id">
          <TreeSelect allowClear treeDefaultExpandAll treeData={props.departments} placeholder={t('users.noDepartment')} />
        </Form.Item>
        <Form.Item label={t('users.roles')} name="role_ids">
          <Select
            mode="multiple"
            allowClear
            placeholder={t('users.pickRoles')}
            options={props.roles.map((r) => ({ value: r.id, label: r.name }))}
            optionFilterProp="label"
          />
        </Form.Item>
        <Form.Item label={t('users.enabled')} name="enabled" valuePropName="checked">
          <Switch />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function PasswordModal({ user, onClose }: { user: User; onClose: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ password: string; confirm: string }>();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    let v: { password: string };
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await usersApi(api).setPassword(user.id, v.password);
      message.success(t('users.passwordDone', { name: user.username }));
      onClose();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={t('users.resetPasswordTitle', { name: user.username })}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      onOk={() => void submit()}
      onCancel={onClose}
      confirmLoading={busy}
      destroyOnClose
    >
      {error ? <Alert type="error" showIcon role="alert" message={errorText(t, error)} style={{ marginBottom: 12 }} /> : null}
      <Form form={form} layout="vertical" onFinish={() => void submit()}>
        <Form.Item
          label={t('users.newPassword')}
          name="password"
          rules={[
            { required: true, message: t('users.passwordRequired') },
            { min: MIN_PASSWORD, message: t('users.passwordMin', { n: MIN_PASSWORD }) },
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          label={t('users.confirmPassword')}
          name="confirm"
          dependencies={['password']}
          rules={[
            { required: true, message: t('users.passwordRequired') },
            ({ getFieldValue }) => ({
              validator: (_, value) =>
                !value || getFieldValue('password') === value ? Promise.resolve() : Promise.reject(new Error(t('users.passwordMismatch'))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
