import { useCallback, useEffect, useState } from 'react';
import { can } from '../../../shared/permissions.ts';
import { type ApiError, api } from '../../app/api.ts';
import { go } from '../../app/router.ts';
import type { UserDto } from '../../app/types.ts';
import { useSubmit } from '../../app/use-submit.ts';
import { type Key, term, useT } from '../../i18n/index.ts';
import { attempt, FieldMessage } from '../../ui/field.tsx';
import { date } from '../../ui/format.ts';
import { ProblemText } from '../../ui/problem.tsx';
import { Attachments } from './attachments.tsx';
import { TeamPicker } from './teams.tsx';
import {
  type ArticleDto,
  type AttachmentDto,
  type DiffDto,
  KIND_LABELS,
  type VersionSummaryDto,
} from './types.ts';

/** A review date (YYYY-MM-DD, a day without a zone) in words, read as that day where the reader is. */
export const reviewDay = (day: string) => date(`${day}T00:00`);

/** The fields a diff compares, in words; a field the catalogue does not know is shown as its code. */
const DIFF_FIELDS: Record<string, Key> = {
  kind: 'kbArticle.field.kind',
  audience: 'kbArticle.field.audience',
  category: 'kbArticle.field.category',
  answer: 'kbArticle.field.answer',
  tags: 'kbArticle.field.tags',
};

/** A diffed field's value: kinds and audiences are codes (in words); the rest is what writers typed. */
function DiffValue({ field, value }: { field: string; value: string }) {
  if (value && field === 'kind') return <>{term('kbKind', value)}</>;
  if (value && field === 'audience') return <>{term('kbAudience', value)}</>;
  return <span data-i18n-skip>{value}</span>;
}

/** One article: the published text, the open draft and its review, versions and their diff. */
export function ArticleView({ id, user }: { id: string; user: UserDto }) {
  const t = useT();
  const [a, setA] = useState<ArticleDto | null>(null);
  const [versions, setVersions] = useState<VersionSummaryDto[]>([]);
  const [diff, setDiff] = useState<DiffDto | null>(null);
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [sending, setSending] = useState(false);
  const acting = useSubmit();
  const writer = can(user.role, 'kb.write');
  const publisher = can(user.role, 'kb.publish');
  const load = useCallback(async () => {
    setA(await api<ArticleDto>('GET', `/kb/articles/${id}`));
    if (can(user.role, 'kb.write'))
      setVersions((await api<{ items: VersionSummaryDto[] }>('GET', `/kb/articles/${id}/versions`)).items);
  }, [id, user.role]);
  useEffect(() => {
    void load();
  }, [load]);
  if (!a) return <p>{t('common.loading')}</p>;
  const shown = a.published ?? a.draft;
  const act = async (what: 'submit' | 'approve' | 'reject' | 'archive') => {
    setError(null);
    try {
      await acting.run(async (send) => {
        await send(
          'POST',
          `/kb/articles/${id}/${what}`,
          what === 'approve' || what === 'reject' ? { note } : undefined,
        );
        setNote('');
        await load();
      });
    } catch (e) {
      setError(e);
    }
  };
  const compare = async (from: number, to: number) =>
    setDiff(await api<DiffDto>('GET', `/kb/articles/${id}/diff?from=${from}&to=${to}`));

  return (
    <article className="kb-article">
      <p>
        <a href="#/kb">{t('kbArticle.back')}</a>
      </p>
      <h1 data-i18n-skip>{shown?.title}</h1>
      <p>
        <span className="badge" data-testid="article-status">
          {term('kbStatus', a.status)}
        </span>{' '}
        {shown && term('kbKind', shown.kind)} · {shown && term('kbAudience', shown.audience)} ·{' '}
        {t('kbArticle.owner', { name: a.ownerName ?? t('common.dash') })}
        {a.reviewAt && t('kbArticle.reviewBy', { date: reviewDay(a.reviewAt) })} ·{' '}
        <span data-testid="article-usage">{t('knowledge.used', { count: a.usageCount })}</span>
      </p>
      {a.published && (
        <>
          <div
            className="kb-body"
            data-i18n-skip
            // biome-ignore lint/security/noDangerouslySetInnerHtml: rendered and sanitised by the server (allow-list)
            dangerouslySetInnerHTML={{ __html: a.published.bodyHtml }}
          />
          <p className="hint">
            {t('kbArticle.approved', {
              number: a.published.number,
              who: a.published.reviewedByName ?? t('common.dash'),
            })}
            {a.published.publishedAt && t('kbArticle.approvedOn', { date: date(a.published.publishedAt) })}
            {t('kbArticle.approvedEnd')}
          </p>
        </>
      )}
      <Attachments
        articleId={id}
        items={a.attachments}
        canAttach={writer && a.status !== 'archived' && a.draft?.state !== 'in_review'}
        // The file joins the open draft (the server starts one if there was none): reload to show it.
        onAdded={() => void load()}
      />
      {a.draft && writer && (
        <section aria-label={t('kbArticle.draft')} className="card">
          <h2>
            {t('kbArticle.draftTitle', {
              number: a.draft.number,
              state: term('kbVersionState', a.draft.state),
            })}
          </h2>
          {a.draft.reviewNote && (
            <p className="warn">
              {t('kbArticle.reviewer')} <span data-i18n-skip>{a.draft.reviewNote}</span>
            </p>
          )}
          {!a.published && (
            // biome-ignore lint/security/noDangerouslySetInnerHtml: rendered and sanitised by the server (allow-list)
            <div className="kb-body" data-i18n-skip dangerouslySetInnerHTML={{ __html: a.draft.bodyHtml }} />
          )}
          <div className="row">
            {a.draft.state !== 'in_review' && (
              <>
                <button type="button" onClick={() => go(`/kb/${id}/edit`)}>
                  {t('kbArticle.editDraft')}
                </button>
                <button
                  type="button"
                  disabled={acting.busy}
                  aria-busy={acting.busy}
                  onClick={() => void act('submit')}
                >
                  {t('kbArticle.submit')}
                </button>
              </>
            )}
          </div>
          {a.draft.state === 'in_review' && publisher && (
            <div>
              <label>
                {t('kbArticle.reviewNote')}
                <input value={note} onChange={(e) => setNote(e.target.value)} />
              </label>
              <div className="row">
                <button
                  type="button"
                  disabled={acting.busy}
                  aria-busy={acting.busy}
                  onClick={() => void act('approve')}
                >
                  {t('kbArticle.approve')}
                </button>
                <button
                  type="button"
                  className="secondary"
                  disabled={acting.busy}
                  onClick={() => void act('reject')}
                >
                  {t('kbArticle.sendBack')}
                </button>
              </div>
            </div>
          )}
        </section>
      )}
      {!a.draft && writer && a.status !== 'archived' && (
        <button type="button" onClick={() => go(`/kb/${id}/edit`)}>
          {t('kbArticle.newVersion')}
        </button>
      )}
      {error ? (
        <p role="alert" className="error">
          <ProblemText error={error} />
        </p>
      ) : null}
      {publisher && a.published && a.status !== 'archived' && (
        <details>
          <summary>{t('kbArticle.sendToTeams')}</summary>
          {sending ? (
            <p role="status" className="ok">
              {t('kbArticle.sentBefore')}
              <a href="#/kb/sent">{t('kbArticle.sentLink')}</a>
              {t('kbArticle.sentAfter')}
            </p>
          ) : (
            <Disseminate articleId={id} onSent={() => setSending(true)} />
          )}
        </details>
      )}
      {versions.length > 1 && (
        <section aria-label={t('kbArticle.versions')}>
          <h2>{t('kbArticle.versions')}</h2>
          <table>
            <tbody>
              {versions.map((v, i) => (
                <tr key={v.id}>
                  <td>{t('kbArticle.version', { number: v.number })}</td>
                  <td>{term('kbVersionState', v.state)}</td>
                  <td>{v.authorName ?? t('common.dash')}</td>
                  <td data-i18n-skip>{v.changeNote ?? ''}</td>
                  <td>{v.reviewedByName ? t('kbArticle.approvedBy', { who: v.reviewedByName }) : ''}</td>
                  <td>
                    {i + 1 < versions.length && (
                      <button
                        type="button"
                        className="link"
                        onClick={() => void compare(versions[i + 1]!.number, v.number)}
                      >
                        {t('kbArticle.compare', { number: versions[i + 1]!.number })}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {diff && (
            <section
              className="kb-diff"
              aria-label={t('kbArticle.changes', { from: diff.from, to: diff.to })}
            >
              <h3>{t('kbArticle.changesTitle', { from: diff.from, to: diff.to })}</h3>
              {diff.fields.map((f) => (
                <p key={f.field}>
                  {DIFF_FIELDS[f.field] ? t(DIFF_FIELDS[f.field]!) : f.field}:{' '}
                  <del>
                    <DiffValue field={f.field} value={f.from} />
                  </del>{' '}
                  →{' '}
                  <ins>
                    <DiffValue field={f.field} value={f.to} />
                  </ins>
                </p>
              ))}
              <pre data-i18n-skip>
                {diff.body.map((p, i) =>
                  // biome-ignore lint/suspicious/noArrayIndexKey: a diff is a fixed sequence; its position is its identity
                  p.added ? <ins key={i}>{p.value}</ins> : p.removed ? <del key={i}>{p.value}</del> : p.value,
                )}
              </pre>
            </section>
          )}
        </section>
      )}
      {publisher && a.status === 'published' && (
        <p>
          <button
            type="button"
            className="secondary"
            disabled={acting.busy}
            onClick={() => void act('archive')}
          >
            {t('kbArticle.archive')}
          </button>
        </p>
      )}
    </article>
  );
}

function Disseminate({ articleId, onSent }: { articleId: string; onSent(): void }) {
  const t = useT();
  const [teamIds, setTeamIds] = useState<string[]>([]);
  const [days, setDays] = useState(3);
  const [note, setNote] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const sending = useSubmit();
  const send = async () => {
    await attempt(
      () =>
        sending.run(async (send) => {
          await send('POST', `/kb/articles/${articleId}/disseminations`, {
            teamIds,
            acknowledgeWithinDays: days,
            ...(note ? { note } : {}),
          });
          onSent();
        }),
      setError,
    );
  };
  return (
    <fieldset>
      <legend>{t('kbArticle.disseminate')}</legend>
      <TeamPicker value={teamIds} onChange={setTeamIds} />
      <FieldMessage error={error} name="teamIds" label={t('kbArticle.teams')} />
      <label>
        {t('kbArticle.ackWithin')}
        <input
          type="number"
          min={1}
          max={30}
          value={days}
          onChange={(e) => setDays(Number(e.target.value))}
        />
      </label>
      <label>
        {t('kbArticle.noteToReaders')}
        <input value={note} onChange={(e) => setNote(e.target.value)} />
      </label>
      {error && !error.problem.errors?.length && (
        <p className="error">
          <ProblemText error={error} />
        </p>
      )}
      <button type="button" disabled={sending.busy} aria-busy={sending.busy} onClick={() => void send()}>
        {t('kbArticle.send')}
      </button>
    </fieldset>
  );
}

/** Write a new article or the next version, with a preview rendered exactly as it will show. */
export function ArticleEditor({ id }: { id?: string | undefined }) {
  const t = useT();
  const [form, setForm] = useState({
    title: '',
    body: '',
    kind: 'faq',
    audience: 'internal',
    tags: '',
    category: '',
    answer: '',
    reviewAt: '',
    changeNote: '',
  });
  const [preview, setPreview] = useState<string | null>(null);
  // The answer shown may be derived from the body; it is saved only when the writer changed it.
  const [answerTouched, setAnswerTouched] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [attachments, setAttachments] = useState<AttachmentDto[]>([]);
  const saving = useSubmit();
  useEffect(() => {
    if (!id) return;
    void api<ArticleDto>('GET', `/kb/articles/${id}`).then((a) => {
      setAttachments(a.attachments);
      const v = a.draft ?? a.published;
      if (!v) return;
      setForm({
        title: v.title,
        body: v.body,
        kind: v.kind,
        audience: v.audience,
        tags: v.tags.join(', '),
        category: v.category ?? '',
        answer: v.answer,
        reviewAt: a.reviewAt ?? '',
        changeNote: '',
      });
    });
  }, [id]);
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [k]: e.target.value }));
  const save = async () => {
    const body = {
      title: form.title,
      body: form.body,
      kind: form.kind,
      audience: form.audience,
      tags: [
        ...new Set(
          form.tags
            .split(',')
            .map((tag) => tag.trim())
            .filter(Boolean),
        ),
      ],
      category: form.category || null,
      ...(answerTouched || !id ? { answer: form.answer || null } : {}),
      reviewAt: form.reviewAt || null,
      ...(form.changeNote ? { changeNote: form.changeNote } : {}),
    };
    await attempt(
      () =>
        saving.run(async (send) => {
          const saved = id
            ? await send<ArticleDto>('PATCH', `/kb/articles/${id}/draft`, body)
            : await send<ArticleDto>('POST', '/kb/articles', body);
          go(`/kb/${saved.id}`);
        }),
      setError,
    );
  };
  return (
    <section className="kb-editor" aria-label={t('kbEditor.region')}>
      <h1>{id ? t('kbEditor.editDraft') : t('kbEditor.newArticle')}</h1>
      <label>
        {t('kbEditor.title')}
        <input value={form.title} onChange={set('title')} />
      </label>
      <FieldMessage error={error} name="title" label={t('kbEditor.title')} />
      <div className="row">
        <label>
          {t('kbEditor.kind')}
          <select value={form.kind} onChange={set('kind')}>
            {Object.keys(KIND_LABELS).map((v) => (
              <option key={v} value={v}>
                {term('kbKind', v)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('kbEditor.audience')}
          <select value={form.audience} onChange={set('audience')}>
            <option value="internal">{t('kbEditor.internal')}</option>
            <option value="public">{t('kbEditor.public')}</option>
          </select>
        </label>
        <label>
          {t('kbEditor.reviewBy')}
          <input type="date" value={form.reviewAt} onChange={set('reviewAt')} />
        </label>
      </div>
      <div className="row">
        <label className="grow">
          {t('kbEditor.tags')}
          <input value={form.tags} onChange={set('tags')} />
        </label>
        <label className="grow">
          {t('kbEditor.category')}
          <input value={form.category} onChange={set('category')} />
        </label>
      </div>
      <label>
        {t('kbEditor.body')}
        <textarea data-i18n-skip rows={14} value={form.body} onChange={set('body')} />
      </label>
      <FieldMessage error={error} name="body" label={t('kbEditor.bodyField')} />
      <label>
        {t('kbEditor.answer')}
        <textarea
          data-i18n-skip
          rows={3}
          value={form.answer}
          onChange={(e) => {
            setAnswerTouched(true);
            set('answer')(e);
          }}
        />
      </label>
      <label>
        {t('kbEditor.changeNote')}
        <input value={form.changeNote} onChange={set('changeNote')} />
      </label>
      {error && !error.problem.errors?.length && (
        <p className="error">
          <ProblemText error={error} />
        </p>
      )}
      <div className="row">
        <button
          type="button"
          className="secondary"
          disabled={!form.body}
          onClick={() =>
            void api<{ html: string }>('POST', '/kb/preview', { body: form.body }).then((r) =>
              setPreview(r.html),
            )
          }
        >
          {t('kbEditor.preview')}
        </button>
        <button type="button" disabled={saving.busy} aria-busy={saving.busy} onClick={() => void save()}>
          {t('kbEditor.save')}
        </button>
      </div>
      {preview !== null && (
        <section aria-label={t('kbEditor.preview')} className="card">
          {/* biome-ignore lint/security/noDangerouslySetInnerHtml: rendered and sanitised by the server (allow-list) */}
          <div className="kb-body" data-i18n-skip dangerouslySetInnerHTML={{ __html: preview }} />
        </section>
      )}
      {id ? (
        <Attachments
          articleId={id}
          items={attachments}
          canAttach
          onAdded={(f) => setAttachments((list) => [...list, f])}
        />
      ) : (
        <p className="hint">{t('kbEditor.saveFirst')}</p>
      )}
    </section>
  );
}
