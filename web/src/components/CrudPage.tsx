// A resource page from definitions: a searchable table of a list endpoint,
// a create/edit modal built from field definitions, delete with confirmation.
// Extensions, trunks, DIDs, dial rules, queues, agents, blacklist, webhooks
// and notices are all this page with their own fields.
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { App, Button, Form, Input, InputNumber, Modal, Popconfirm, Select, Space, Switch, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { useI18n, type MessageKey, type TFunction } from '../i18n';
import { useAuth } from '../auth/AuthProvider';
import { api } from '../api/session';
import { errorText } from '../api/errorText';
import { allItemsQuery, isPaged, itemsOf, LoadView, useApiGet } from './useApi';
import { toBody, toFormValues, getPath, type ColumnDef, type FieldDef, type Option } from './crud';

export interface CrudConfig<T> {
  title: MessageKey;
  /** What the NotAvailable notice names. */
  what: MessageKey;
  /** List path under /api/v1, e.g. "/extensions". */
  path: string;
  readPerm: string;
  writePerm: string;
  columns: ColumnDef<T>[];
  fields: FieldDef[];
  nameOf: (row: T) => string;
  canCreate?: boolean;
  canEdit?: boolean;
  canDelete?: boolean;
  updateMethod?: 'PATCH' | 'PUT';
  /** Extra buttons in a row's action cell. */
  rowActions?: (row: T, reload: () => void) => ReactNode;
  /** Extra controls in the toolbar. */
  toolbar?: (reload: () => void) => ReactNode;
  query?: Record<string, string | number | undefined>;
  searchable?: boolean;
  /** Creates differently from POST {path} (agents: PATCH /agents/{user}). */
  create?: (body: Record<string, unknown>) => Promise<unknown>;
  /** Below the table (a drawer opened by a row action, for example). */
  children?: ReactNode;
}

type Row = { id?: string } & Record<string, unknown>;

/** Several fields may share a name (a DID's target: extension, flow or queue). */
const optionKey = (f: FieldDef) => `${f.name}|${f.optionsFrom?.path ?? ''}`;

/** Options of select fields that come from other resources (departments, trunks, flows...). */
function useRemoteOptions(fields: readonly FieldDef[]): Record<string, Option[]> {
  const [opts, setOpts] = useState<Record<string, Option[]>>({});
  const key = fields.map((f) => f.optionsFrom?.path ?? '').join('|');
  useEffect(() => {
    const ctrl = new AbortController();
    for (const f of fields) {
      const src = f.optionsFrom;
      if (!src) continue;
      api
        .get<unknown>(src.path, allItemsQuery(src.path), ctrl.signal)
        .then((body) => {
          const list = itemsOf<Record<string, unknown>>(body).map((o) => ({
            value: String(getPath(o, src.value) ?? ''),
            label: String(getPath(o, src.label) ?? getPath(o, src.value) ?? ''),
          }));
          setOpts((prev) => ({ ...prev, [optionKey(f)]: list }));
        })
        .catch(() => {
          // The picker then takes a typed value (see FieldInput): nothing to show.
        });
    }
    return () => ctrl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return opts;
}

/** The control of one field; Form.Item injects value/onChange (and checked), passed on as `rest`. */
export function FieldInput({ f, options, disabled, ...rest }: { f: FieldDef; options: Option[]; disabled?: boolean; [injected: string]: unknown }) {
  const { t } = useI18n();
  const label = t(f.label);
  switch (f.kind) {
    case 'password':
      return <Input.Password {...rest} aria-label={label} autoComplete="new-password" disabled={disabled} />;
    case 'number':
      return <InputNumber {...rest} aria-label={label} min={f.min} max={f.max} style={{ width: '100%' }} disabled={disabled} />;
    case 'bool':
      return <Switch {...rest} aria-label={label} disabled={disabled} />;
    case 'textarea':
      return <Input.TextArea {...rest} aria-label={label} autoSize={{ minRows: 2, maxRows: 8 }} disabled={disabled} />;
    case 'select':
    case 'multiselect':
    case 'tags': {
      const mode = f.kind === 'select' ? (options.length || !f.optionsFrom ? undefined : 'tags') : f.kind === 'tags' ? 'tags' : 'multiple';
      return (
        <Select
          {...rest}
          aria-label={label}
          mode={mode}
          allowClear
          showSearch
          optionFilterProp="label"
          options={options}
          disabled={disabled}
          maxCount={f.kind === 'select' && mode === 'tags' ? 1 : undefined}
          tokenSeparators={f.kind === 'tags' ? [',', ' '] : undefined}
        />
      );
    }
    case 'skills':
      return <Input {...rest} aria-label={label} placeholder={t('crud.skillsPlaceholder')} disabled={disabled} />;
    default:
      return <Input {...rest} aria-label={label} disabled={disabled} />;
  }
}

export function FormFields({ fields, editing, remote }: { fields: readonly FieldDef[]; editing: boolean; remote: Record<string, Option[]> }) {
  const { t } = useI18n();
  return (
    <>
      {fields.map((f, i) => (
        <Form.Item noStyle key={`${f.name}-${i}`} shouldUpdate>
          {(form) =>
            (f.showIf && !f.showIf(form.getFieldsValue(true) as Record<string, unknown>)) || (editing && f.createOnly && f.hideOnEdit) ? null : (
              <Form.Item
                name={f.name}
                label={t(f.label)}
                valuePropName={f.kind === 'bool' ? 'checked' : 'value'}
                rules={f.required && !(editing && f.writeOnly) ? [{ required: true, message: t('crud.required', { field: t(f.label) }) }] : []}
                extra={f.help ? t(f.help) : f.writeOnly && editing ? t('crud.writeOnly') : undefined}
              >
                <FieldInput f={f} options={f.options ? f.options(t) : remote[optionKey(f)] ?? []} disabled={editing && f.createOnly} />
              </Form.Item>
            )
          }
        </Form.Item>
      ))}
    </>
  );
}

export function CrudModal<T extends Row>(props: {
  cfg: CrudConfig<T>;
  row: T | null;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { cfg, row } = props;
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState('');
  const remote = useRemoteOptions(cfg.fields);
  const initial = useMemo(() => toFormValues(cfg.fields, row), [cfg.fields, row]);

  const save = async () => {
    let values: Record<string, unknown>;
    try {
      values = (await form.validateFields()) as Record<string, unknown>;
    } catch {
      return;
    }
    const body = toBody(cfg.fields, { ...form.getFieldsValue(true), ...values }, row);
    setSaving(true);
    setError('');
    try {
      if (row?.id) {
        const url = `${cfg.path}/${encodeURIComponent(String(row.id))}`;
        if (Object.keys(body).length) await api.request(cfg.updateMethod ?? 'PATCH', url, { body });
      } else if (cfg.create) {
        await cfg.create(body);
      } else {
        await api.post(cfg.path, body);
      }
      message.success(t('crud.saved'));
      props.onSaved();
    } catch (e) {
      setError(errorText(t, e));
    } finally {
      setSaving(false);
    }
  };

  const title = row ? t('crud.editTitle', { name: cfg.nameOf(row) }) : t('crud.createTitle', { what: t(cfg.title) });
  return (
    <Modal
      open
      title={title}
      onCancel={props.onClose}
      onOk={() => void save()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      destroyOnClose
      width={640}
      styles={{ body: { maxHeight: '60vh', overflowY: 'auto' } }}
    >
      <Form form={form} layout="vertical" initialValues={initial} preserve={false}>
        <FormFields fields={cfg.fields} editing={!!row} remote={remote} />
      </Form>
      {error ? (
        <Typography.Paragraph type="danger" role="alert">
          {error}
        </Typography.Paragraph>
      ) : null}
    </Modal>
  );
}

export function CrudPage<T extends Row>({ cfg }: { cfg: CrudConfig<T> }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { can } = useAuth();
  const writable = can(cfg.writePerm);
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const pageSize = 20;
  const paged = isPaged(cfg.path);
  const { load, reload } = useApiGet<unknown>(cfg.path, paged ? { limit: pageSize, offset: (page - 1) * pageSize, q: q || undefined, ...cfg.query } : cfg.query);
  // Lists the server answers whole are searched and paged here.
  const rowsOf = (body: unknown): T[] => {
    const items = itemsOf<T>(body);
    if (paged || !q) return items;
    const needle = q.toLowerCase();
    return items.filter((r) => Object.values(r).some((v) => (typeof v === 'string' || typeof v === 'number') && String(v).toLowerCase().includes(needle)));
  };
  const [editing, setEditing] = useState<T | 'new' | null>(null);

  const remove = async (row: T) => {
    try {
      await api.del(`${cfg.path}/${encodeURIComponent(String(row.id))}`);
      message.success(t('crud.deleted', { name: cfg.nameOf(row) }));
      reload();
    } catch (e) {
      message.error(errorText(t, e));
    }
  };

  const columns: ColumnsType<T> = cfg.columns.map((c) => ({
    key: c.key,
    title: t(c.label),
    width: c.width,
    ellipsis: true,
    render: (_: unknown, row: T) => (c.render ? c.render(row, t) : displayValue(getPath(row, c.key), t)),
  }));
  const hasActions = writable || cfg.rowActions;
  if (hasActions) {
    columns.push({
      key: 'actions',
      title: t('common.actions'),
      width: 220,
      render: (_: unknown, row: T) => (
        <Space size={0} wrap>
          {writable && cfg.canEdit !== false ? (
            <Button type="link" size="small" onClick={() => setEditing(row)} aria-label={t('crud.editNamed', { name: cfg.nameOf(row) })}>
              {t('common.edit')}
            </Button>
          ) : null}
          {cfg.rowActions?.(row, reload)}
          {writable && cfg.canDelete !== false ? (
            <Popconfirm
              title={t('crud.deleteConfirm', { name: cfg.nameOf(row) })}
              okText={t('common.delete')}
              cancelText={t('common.cancel')}
              onConfirm={() => remove(row)}
            >
              <Button type="link" size="small" danger aria-label={t('crud.deleteNamed', { name: cfg.nameOf(row) })}>
                {t('common.delete')}
              </Button>
            </Popconfirm>
          ) : null}
        </Space>
      ),
    });
  }

  return (
    <section aria-labelledby="crud-title">
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Typography.Title level={4} id="crud-title" style={{ margin: 0 }}>
          {t(cfg.title)}
        </Typography.Title>
        <Space wrap>
          {cfg.searchable !== false ? (
            <Input.Search
              allowClear
              aria-label={t('crud.search')}
              placeholder={t('crud.search')}
              onSearch={(v) => {
                setPage(1);
                setQ(v.trim());
              }}
              style={{ width: 220 }}
            />
          ) : null}
          {cfg.toolbar?.(reload)}
          <Button icon={<ReloadOutlined />} onClick={reload} aria-label={t('common.refresh')} />
          {writable && cfg.canCreate !== false ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
              {t('crud.create')}
            </Button>
          ) : null}
        </Space>
      </Space>
      <LoadView load={load} what={t(cfg.what)}>
        {(body) => (
          <Table<T>
            rowKey={(r) => String(r.id ?? JSON.stringify(r))}
            size="small"
            columns={columns}
            dataSource={rowsOf(body)}
            scroll={{ x: 900 }}
            pagination={{
              current: page,
              pageSize,
              total: paged ? (body as { total?: number } | null)?.total ?? itemsOf(body).length : rowsOf(body).length,
              showSizeChanger: false,
              showTotal: (total) => t('common.total', { total }),
              onChange: setPage,
            }}
          />
        )}
      </LoadView>
      {editing ? (
        <CrudModal<T>
          cfg={cfg}
          row={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            reload();
          }}
        />
      ) : null}
      {cfg.children}
    </section>
  );
}

export function displayValue(v: unknown, t: TFunction): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return v ? t('common.yes') : t('common.no');
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
