// The caller blacklist (GET/POST /api/v1/blacklist, DELETE /blacklist/{id})
// with CSV import (POST /blacklist/import, text/csv: number,reason,expires_at).
import { useState } from 'react';
import { Alert, App, Button, Input, List, Modal, Upload } from 'antd';
import { UploadOutlined } from '@ant-design/icons';
import { CrudPage, type CrudConfig } from '../../components/CrudPage';
import { useI18n } from '../../i18n';
import { useAuth } from '../../auth/AuthProvider';
import { tokenStore } from '../../api/session';
import { errorFromResponse } from '../../api/client';
import { errorText } from '../../api/errorText';
import { formatTime } from '../../components/time';

type Entry = { id: string; pattern: string } & Record<string, unknown>;
type ImportResult = { imported: number; errors: Array<{ line: number; message: string }> };

export async function postCsv(path: string, csv: string): Promise<ImportResult> {
  const headers: Record<string, string> = { 'Content-Type': 'text/csv', Accept: 'application/json' };
  const token = tokenStore.get();
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(`/api/v1${path}`, { method: 'POST', headers, body: csv });
  if (!res.ok) throw await errorFromResponse(res);
  return (await res.json()) as ImportResult;
}

function ImportModal({ onClose, onDone }: { onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [csv, setCsv] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [error, setError] = useState('');
  const run = async () => {
    setBusy(true);
    setError('');
    try {
      const r = await postCsv('/blacklist/import', csv);
      setResult(r);
      message.success(t('blacklist.imported', { n: r.imported }));
      onDone();
    } catch (e) {
      setError(errorText(t, e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title={t('blacklist.import')} onCancel={onClose} onOk={() => void run()} okText={t('blacklist.importRun')} cancelText={t('common.close')} confirmLoading={busy} okButtonProps={{ disabled: !csv.trim() }}>
      <Upload
        accept=".csv,text/csv"
        maxCount={1}
        showUploadList={false}
        beforeUpload={(file) => {
          void file.text().then(setCsv);
          return false;
        }}
      >
        <Button icon={<UploadOutlined />}>{t('blacklist.pickFile')}</Button>
      </Upload>
      <Input.TextArea
        aria-label={t('blacklist.csv')}
        placeholder={'13800000000,spam,2030-01-01T00:00:00Z\n400*,telemarketing,'}
        value={csv}
        onChange={(e) => setCsv(e.target.value)}
        autoSize={{ minRows: 5, maxRows: 12 }}
        style={{ marginTop: 8, fontFamily: 'monospace' }}
      />
      {error ? <Alert type="error" role="alert" showIcon message={error} style={{ marginTop: 8 }} /> : null}
      {result ? (
        <Alert
          style={{ marginTop: 8 }}
          type={result.errors?.length ? 'warning' : 'success'}
          showIcon
          message={t('blacklist.imported', { n: result.imported })}
          description={
            result.errors?.length ? (
              <List size="small" dataSource={result.errors} renderItem={(e) => <List.Item>{t('blacklist.lineError', { line: e.line, message: e.message })}</List.Item>} />
            ) : undefined
          }
        />
      ) : null}
    </Modal>
  );
}

export default function BlacklistPage() {
  const { t, lang } = useI18n();
  const { can } = useAuth();
  const [importing, setImporting] = useState<null | (() => void)>(null);
  const cfg: CrudConfig<Entry> = {
    title: 'blacklist.title',
    what: 'blacklist.title',
    path: '/blacklist',
    readPerm: 'blacklist.read',
    writePerm: 'blacklist.write',
    nameOf: (r) => r.pattern,
    canEdit: false,
    columns: [
      { key: 'pattern', label: 'blacklist.pattern' },
      { key: 'reason', label: 'blacklist.reason' },
      { key: 'expires_at', label: 'blacklist.expires', render: (r) => formatTime(r.expires_at as string, lang) || t('blacklist.never') },
      { key: 'created_at', label: 'common.created', render: (r) => formatTime(r.created_at as string, lang) },
    ],
    fields: [
      { name: 'pattern', label: 'blacklist.pattern', kind: 'text', required: true, help: 'blacklist.patternHelp' },
      { name: 'reason', label: 'blacklist.reason', kind: 'text' },
      { name: 'expires_at', label: 'blacklist.expiresIso', kind: 'text', help: 'blacklist.expiresHelp' },
    ],
    toolbar: (reload) =>
      can('blacklist.write') ? (
        <Button icon={<UploadOutlined />} onClick={() => setImporting(() => reload)}>
          {t('blacklist.import')}
        </Button>
      ) : null,
    children: importing ? <ImportModal onClose={() => setImporting(null)} onDone={importing} /> : null,
  };
  return <CrudPage cfg={cfg} />;
}
