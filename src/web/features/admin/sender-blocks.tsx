import { type FormEvent, useCallback, useEffect, useState } from 'react';
import type { Static } from 'typebox';
import type { SenderBlock } from '../../../shared/contracts/messages.ts';
import { type ApiError, api } from '../../app/api.ts';
import type { UserDto } from '../../app/types.ts';
import { useSubmit } from '../../app/use-submit.ts';
import { useT } from '../../i18n/index.ts';
import { At } from '../../ui/at.tsx';
import { attempt } from '../../ui/field.tsx';
import { focusSoon } from '../../ui/focus.ts';
import { ProblemText } from '../../ui/problem.tsx';
import { LogSection, RecordTable } from './log-table.tsx';
import { Input } from './mailbox-connections.tsx';
import { FormProblem } from './sla-shared.tsx';
import './webhooks.css';

type Block = Static<typeof SenderBlock>;
const PLACED = ['/body/pattern', '/body/reason'];

/**
 * The sender block list (`#/admin/mail/blocked`, issue 13 point 5): mail from these addresses and
 * domains is kept and never made a case. Add one (the server says what is wrong beside its field),
 * unblock one after saying yes. Shown inside the e-mail administration, so administrators only.
 */
export function SenderBlocks() {
  const t = useT();
  const [items, setItems] = useState<Block[] | null>(null);
  // Who added each: the list names a person by id only.
  const [people, setPeople] = useState<Record<string, string>>({});
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState('');
  const load = useCallback(async () => {
    setItems((await api<{ items: Block[] }>('GET', '/sender-blocks')).items);
  }, []);
  useEffect(() => {
    void attempt(load, setLoadError);
    void api<{ items: UserDto[] }>('GET', '/users').then(
      (r) => setPeople(Object.fromEntries(r.items.map((u) => [u.id, u.displayName]))),
      // Without the names the list still works: "a colleague".
      () => {},
    );
  }, [load]);
  const said = (text: string) => {
    setNotice(text);
    focusSoon('#blocks-notice');
  };

  return (
    <LogSection
      id="blocks-h"
      className="sender-blocks"
      title={t('senderBlocks.title')}
      hint={t('senderBlocks.hint')}
      notice={notice}
      noticeId="blocks-notice"
      above={
        <AddBlock
          known={items ?? []}
          onAdded={async (text) => {
            said(text);
            await attempt(load, setLoadError);
          }}
        />
      }
      error={loadError}
      count={items?.length ?? null}
      loading={t('mailboxes.loading')}
      none={t('senderBlocks.none')}
      footer={
        <button type="button" className="secondary small" onClick={() => void attempt(load, setLoadError)}>
          {t('senderBlocks.refresh')}
        </button>
      }
    >
      <BlockTable
        items={items ?? []}
        people={people}
        onRemoved={async (pattern) => {
          said(t('senderBlocks.removed', { pattern }));
          await attempt(load, setLoadError);
        }}
      />
    </LogSection>
  );
}

/** Block an address or a domain, with an optional reason. */
function AddBlock({ known, onAdded }: { known: Block[]; onAdded(text: string): Promise<void> }) {
  const t = useT();
  const [pattern, setPattern] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const saving = useSubmit();
  const add = async (e: FormEvent) => {
    e.preventDefault();
    let text = '';
    const ok = await attempt(
      () =>
        saving.run(async (send) => {
          // Sent as typed (trimmed): the server says what is wrong with it, beside the field.
          const body = { pattern: pattern.trim(), ...(reason.trim() ? { reason: reason.trim() } : {}) };
          const out = await send<Block>('POST', '/sender-blocks', body);
          // Blocking twice changes nothing (200, not 201): said as such.
          const again = known.some((b) => b.pattern === out.pattern);
          text = t(again ? 'senderBlocks.already' : 'senderBlocks.blocked', { pattern: out.pattern });
        }),
      setError,
    );
    if (!ok) {
      focusSoon('.sender-blocks form [aria-invalid="true"], #sla-form-problem');
      return;
    }
    setPattern('');
    setReason('');
    await onAdded(text);
  };
  return (
    <form onSubmit={add} aria-label={t('senderBlocks.add')} noValidate className="block-form">
      <div className="row">
        <div className="grow">
          <Input
            label={t('senderBlocks.pattern')}
            at="/body/pattern"
            error={error}
            hint={t('senderBlocks.patternHint')}
            autoComplete="off"
            spellCheck={false}
            value={pattern}
            onValue={setPattern}
          />
        </div>
        <div className="grow">
          <Input
            label={t('senderBlocks.reason')}
            at="/body/reason"
            error={error}
            hint={t('senderBlocks.reasonHint')}
            value={reason}
            onValue={setReason}
          />
        </div>
      </div>
      <FormProblem error={error} placed={PLACED} />
      <button type="submit" disabled={saving.busy} aria-busy={saving.busy}>
        {t('senderBlocks.block')}
      </button>
    </form>
  );
}

function BlockTable({
  items,
  people,
  onRemoved,
}: {
  items: Block[];
  people: Record<string, string>;
  onRemoved(pattern: string): Promise<void>;
}) {
  const t = useT();
  // The one row asking "Unblock …?" (a second click elsewhere moves the question).
  const [asking, setAsking] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const removing = useSubmit();
  const remove = async (pattern: string) => {
    const ok = await attempt(
      () => removing.run((send) => send('DELETE', `/sender-blocks?pattern=${encodeURIComponent(pattern)}`)),
      setError,
    );
    setAsking(null);
    // Reloaded either way: a refusal most often means someone else unblocked it first.
    if (ok) await onRemoved(pattern);
  };
  const rowId = (p: string) => `block-${p.replace(/[^a-z0-9]/gi, '-')}`;
  return (
    <div className="block-list">
      {error && (
        <p className="error" role="alert">
          <ProblemText error={error} />
        </p>
      )}
      <RecordTable
        caption={t('senderBlocks.list')}
        columns={[
          t('senderBlocks.col.pattern'),
          t('senderBlocks.col.reason'),
          t('senderBlocks.col.by'),
          t('senderBlocks.col.at'),
        ]}
        action={t('senderBlocks.remove')}
      >
        <tbody>
          {items.map((b) => (
            <tr key={b.pattern} data-pattern={b.pattern}>
              <td className="wrap" id={rowId(b.pattern)}>
                <span data-i18n-skip>{b.pattern}</span>
                {b.pattern.startsWith('@') && <span className="muted"> ({t('senderBlocks.domain')})</span>}
              </td>
              <td className="wrap">{b.reason ? <span data-i18n-skip>{b.reason}</span> : t('common.dash')}</td>
              <td>
                {b.createdBy === null ? (
                  t('common.automatic')
                ) : people[b.createdBy] ? (
                  <span data-i18n-skip>{people[b.createdBy]}</span>
                ) : (
                  t('senderBlocks.someone')
                )}
              </td>
              <td>
                <At iso={b.createdAt} />
              </td>
              <td className="actions">
                {asking === b.pattern ? (
                  <div className="confirm">
                    <span id={`${rowId(b.pattern)}-q`}>
                      {t('senderBlocks.confirm', { pattern: b.pattern })}
                    </span>
                    <button
                      type="button"
                      className="small danger"
                      aria-describedby={`${rowId(b.pattern)}-q`}
                      disabled={removing.busy}
                      aria-busy={removing.busy}
                      onClick={() => void remove(b.pattern)}
                    >
                      {t('senderBlocks.confirmYes')}
                    </button>
                    <button
                      type="button"
                      className="secondary small"
                      onClick={() => {
                        setAsking(null);
                        focusSoon(`#${rowId(b.pattern)}-ask`);
                      }}
                    >
                      {t('senderBlocks.cancel')}
                    </button>
                  </div>
                ) : (
                  <button
                    type="button"
                    id={`${rowId(b.pattern)}-ask`}
                    className="secondary small"
                    aria-describedby={rowId(b.pattern)}
                    onClick={() => {
                      setError(null);
                      setAsking(b.pattern);
                      focusSoon(`#${rowId(b.pattern)}-q ~ button`);
                    }}
                  >
                    {t('senderBlocks.remove')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </RecordTable>
    </div>
  );
}
