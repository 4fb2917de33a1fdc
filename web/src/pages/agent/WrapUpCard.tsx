// The wrap-up: a disposition (from GET /dispositions, or typed when the server
// has no list) and notes, saved in localStorage on every keystroke so a reload
// never loses them; cleared only after the server accepted the wrap-up.
import { useEffect, useMemo, useState, type MutableRefObject } from 'react';
import { Button, Card, Input, Select, Space, Typography } from 'antd';
import { useI18n } from '../../i18n';
import { formatTime } from '../../components/time';
import type { Disposition } from './agentApi';
import { clearDraft, loadDraft, saveDraft, type WrapUpDraft } from './wrapupDraft';

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

interface Props {
  userId: string;
  available: boolean;
  wrapUpFor: string | null;
  dispositions: Disposition[] | null | undefined;
  pending: string | null;
  notesRef: MutableRefObject<HTMLTextAreaElement | null>;
  submit: (interactionId: string | null, disposition: string, notes: string, done: () => void) => void;
}

export function WrapUpCard(p: Props) {
  const { t, lang } = useI18n();
  const initialDraft = useMemo(() => loadDraft(storage(), p.userId), [p.userId]);
  const [draft, setDraft] = useState<WrapUpDraft>(initialDraft ?? { interactionId: null, disposition: '', notes: '', savedAt: '' });
  const [stored, setStored] = useState(true);

  // The wrap-up belongs to the interaction just handled; a new one takes over the
  // draft only when it is empty (never overwrite typed notes).
  useEffect(() => {
    if (p.wrapUpFor && p.wrapUpFor !== draft.interactionId && !draft.notes && !draft.disposition) setDraft((d) => ({ ...d, interactionId: p.wrapUpFor }));
  }, [p.wrapUpFor, draft.interactionId, draft.notes, draft.disposition]);

  const update = (patch: Partial<WrapUpDraft>) =>
    setDraft((d) => {
      const next = { ...d, ...patch, interactionId: d.interactionId ?? p.wrapUpFor };
      const saved = saveDraft(storage(), p.userId, next);
      setStored(saved !== null);
      return saved ?? next;
    });

  // A list while it loads or when the server has codes; typed when it has none.
  const known = p.dispositions === undefined || (p.dispositions !== null && p.dispositions.length > 0);
  return (
    <Card size="small" title={p.wrapUpFor ? t('desktop.wrapupFor', { id: p.wrapUpFor.slice(-6) }) : t('desktop.wrapup')}>
      <Space direction="vertical" style={{ width: '100%' }}>
        {known ? (
          <Select
            aria-label={t('desktop.disposition')}
            placeholder={t('desktop.disposition')}
            value={draft.disposition || undefined}
            onChange={(v: string) => update({ disposition: v ?? '' })}
            allowClear
            showSearch
            optionFilterProp="label"
            loading={p.dispositions === undefined}
            options={(p.dispositions ?? []).map((d) => ({ value: d.code, label: d.label }))}
          />
        ) : (
          <Input aria-label={t('desktop.disposition')} placeholder={t('desktop.disposition')} value={draft.disposition} onChange={(e) => update({ disposition: e.target.value })} maxLength={64} />
        )}
        <Input.TextArea
          ref={(r) => {
            p.notesRef.current = r?.resizableTextArea?.textArea ?? null;
          }}
          aria-label={t('desktop.notes')}
          placeholder={t('desktop.notesPlaceholder')}
          value={draft.notes}
          onChange={(e) => update({ notes: e.target.value })}
          autoSize={{ minRows: 4, maxRows: 8 }}
          maxLength={4000}
        />
        <Typography.Text type={stored ? 'secondary' : 'danger'} style={{ fontSize: 12 }} data-testid="draft-status">
          {!stored ? t('desktop.draftNotStored') : draft.savedAt ? t('desktop.draftSaved', { time: formatTime(draft.savedAt, lang) }) : t('desktop.draftEmpty')}
        </Typography.Text>
        <Space wrap>
          <Button
            type="primary"
            onClick={() =>
              p.submit(draft.interactionId ?? p.wrapUpFor, draft.disposition.trim(), draft.notes, () => {
                clearDraft(storage(), p.userId);
                setDraft({ interactionId: null, disposition: '', notes: '', savedAt: '' });
              })
            }
            disabled={!p.available || (!draft.disposition.trim() && !draft.notes.trim())}
            loading={p.pending === 'wrapup'}
          >
            {t('desktop.submitWrapup')}
          </Button>
          <Button
            onClick={() => {
              clearDraft(storage(), p.userId);
              setDraft({ interactionId: draft.interactionId, disposition: '', notes: '', savedAt: '' });
            }}
            disabled={!draft.disposition && !draft.notes}
          >
            {t('desktop.clearDraft')}
          </Button>
        </Space>
        {!p.available ? <Typography.Text type="secondary">{t('desktop.wrapupOffline')}</Typography.Text> : null}
      </Space>
    </Card>
  );
}
