// Departments as a tree: pick one to edit it, add a root or a child, delete.
import { useEffect, useMemo, useState } from 'react';
import { Alert, App, Button, Card, Col, Empty, Form, Input, Popconfirm, Row, Space, Tree, TreeSelect, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useT } from '../../i18n';
import { useAuth } from '../../auth/AuthProvider';
import { api } from '../../api/session';
import { departmentsApi } from '../../api/resources';
import { errorText } from '../../api/errorText';
import type { Department } from '../../api/types';
import { useDepartments, type TreeNode } from './useDirectory';

interface DeptForm {
  name: string;
  parent_id?: string | null;
  description?: string;
}

/** The tree without `id` and its descendants: a department cannot move under itself. */
function withoutSubtree(nodes: TreeNode[], id: string): TreeNode[] {
  return nodes.filter((n) => n.key !== id).map((n) => ({ ...n, children: withoutSubtree(n.children, id) }));
}

export default function DepartmentsPage() {
  const t = useT();
  const { message } = App.useApp();
  const { can } = useAuth();
  const writable = can('departments.write');
  const deps = useDepartments(true);
  const [selected, setSelected] = useState<Department | 'new' | null>(null);
  const [newParent, setNewParent] = useState<string | null>(null);
  const [form] = Form.useForm<DeptForm>();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    setError(null);
    if (selected === 'new') form.setFieldsValue({ name: '', parent_id: newParent ?? undefined, description: '' });
    else if (selected)
      form.setFieldsValue({ name: selected.name, parent_id: selected.parent_id || undefined, description: selected.description });
  }, [selected, newParent, form]);

  const parentChoices = useMemo(
    () => (selected && selected !== 'new' ? withoutSubtree(deps.tree, selected.id) : deps.tree),
    [deps.tree, selected],
  );

  const save = async () => {
    let v: DeptForm;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    const body = { name: v.name.trim(), parent_id: v.parent_id ?? null, description: v.description ?? '' };
    setBusy(true);
    setError(null);
    try {
      if (selected === 'new') {
        const created = await departmentsApi(api).create(body);
        message.success(t('departments.createdDone', { name: body.name }));
        setSelected(created);
      } else if (selected) {
        const updated = await departmentsApi(api).update(selected.id, body);
        message.success(t('departments.savedDone', { name: body.name }));
        setSelected(updated ?? { ...selected, ...body });
      }
      deps.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const remove = async (d: Department) => {
    try {
      await departmentsApi(api).remove(d.id);
      message.success(t('departments.deletedDone', { name: d.name }));
      setSelected(null);
      deps.reload();
    } catch (e) {
      message.error(errorText(t, e));
    }
  };

  const startNew = (parent: string | null) => {
    setNewParent(parent);
    setSelected('new');
  };

  return (
    <section aria-labelledby="departments-title">
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }}>
        <Typography.Title level={4} id="departments-title" style={{ margin: 0 }}>
          {t('departments.title')}
        </Typography.Title>
        {writable ? (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => startNew(null)}>
            {t('departments.createRoot')}
          </Button>
        ) : null}
      </Space>
      {deps.error ? <Alert type="error" showIcon role="alert" message={errorText(t, deps.error)} style={{ marginBottom: 12 }} /> : null}
      <Row gutter={16}>
        <Col xs={24} md={10}>
          <Card size="small" title={t('departments.tree')}>
            {deps.tree.length ? (
              <Tree
                aria-label={t('departments.tree')}
                treeData={deps.tree}
                defaultExpandAll
                selectedKeys={selected && selected !== 'new' ? [selected.id] : []}
                onSelect={(keys) => setSelected(keys.length ? deps.byId.get(String(keys[0])) ?? null : null)}
              />
            ) : (
              <Empty description={t('departments.empty')} />
            )}
          </Card>
        </Col>
        <Col xs={24} md={14}>
          <Card
            size="small"
            title={
              selected === 'new'
                ? t('departments.createTitle')
                : selected
                  ? t('departments.editTitle', { name: selected.name })
                  : t('departments.details')
            }
          >
            {selected ? (
              <>
                {error ? <Alert type="error" showIcon role="alert" message={errorText(t, error)} style={{ marginBottom: 12 }} /> : null}
                <Form<DeptForm> form={form} layout="vertical" disabled={!writable} onFinish={() => void save()}>
                  <Form.Item label={t('departments.name')} name="name" rules={[{ required: true, whitespace: true, message: t('departments.nameRequired') }]}>
                    <Input />
                  </Form.Item>
                  <Form.Item label={t('departments.parent')} name="parent_id">
                    <TreeSelect allowClear treeDefaultExpandAll treeData={parentChoices} placeholder={t('departments.noParent')} />
                  </Form.Item>
                  <Form.Item label={t('departments.description')} name="description">
                    <Input.TextArea rows={3} />
                  </Form.Item>
                  {writable ? (
                    <Space wrap>
                      <Button type="primary" htmlType="submit" loading={busy}>
                        {t('common.save')}
                      </Button>
                      {selected !== 'new' ? (
                        <>
                          <Button icon={<PlusOutlined />} onClick={() => startNew(selected.id)}>
                            {t('departments.addChild')}
                          </Button>
                          <Popconfirm
                            title={t('departments.deleteConfirm', { name: selected.name })}
                            okText={t('common.delete')}
                            cancelText={t('common.cancel')}
                            onConfirm={() => remove(selected)}
                          >
                            <Button danger>{t('common.delete')}</Button>
                          </Popconfirm>
                        </>
                      ) : (
                        <Button onClick={() => setSelected(null)}>{t('common.cancel')}</Button>
                      )}
                    </Space>
                  ) : null}
                </Form>
              </>
            ) : (
              <Empty description={t('departments.pick')} />
            )}
          </Card>
        </Col>
      </Row>
    </section>
  );
}
