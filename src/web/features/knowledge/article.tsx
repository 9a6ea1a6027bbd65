import { useCallback, useEffect, useState } from 'react';
import { can } from '../../../shared/permissions.ts';
import { ApiError, api } from '../../app/api.ts';
import { go } from '../../app/router.ts';
import type { UserDto } from '../../app/types.ts';
import { useSubmit } from '../../app/use-submit.ts';
import { attempt, FieldMessage } from '../../ui/field.tsx';
import { Attachments } from './attachments.tsx';
import { TeamPicker } from './teams.tsx';
import {
  type ArticleDto,
  type AttachmentDto,
  type DiffDto,
  KIND_LABELS,
  type VersionSummaryDto,
} from './types.ts';

/** One article: the published text, the open draft and its review, versions and their diff. */
export function ArticleView({ id, user }: { id: string; user: UserDto }) {
  const [a, setA] = useState<ArticleDto | null>(null);
  const [versions, setVersions] = useState<VersionSummaryDto[]>([]);
  const [diff, setDiff] = useState<DiffDto | null>(null);
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
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
  if (!a) return <p>Loading…</p>;
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
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };
  const compare = async (from: number, to: number) =>
    setDiff(await api<DiffDto>('GET', `/kb/articles/${id}/diff?from=${from}&to=${to}`));

  return (
    <article className="kb-article">
      <p>
        <a href="#/kb">← Knowledge</a>
      </p>
      <h1>{shown?.title}</h1>
      <p>
        <span className="badge" data-testid="article-status">
          {a.status.replaceAll('_', ' ')}
        </span>{' '}
        {shown && (KIND_LABELS[shown.kind] ?? shown.kind)} · {shown?.audience} · owner {a.ownerName ?? '—'}
        {a.reviewAt && ` · review by ${a.reviewAt}`} ·{' '}
        <span data-testid="article-usage">used {a.usageCount}×</span>
      </p>
      {a.published && (
        <>
          {/* biome-ignore lint/security/noDangerouslySetInnerHtml: rendered and sanitised by the server (allow-list) */}
          <div className="kb-body" dangerouslySetInnerHTML={{ __html: a.published.bodyHtml }} />
          <p className="hint">
            Version {a.published.number}, approved by {a.published.reviewedByName ?? '—'}
            {a.published.publishedAt && ` on ${new Date(a.published.publishedAt).toLocaleDateString()}`}.
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
        <section aria-label="Draft" className="card">
          <h2>
            Version {a.draft.number}: {a.draft.state.replaceAll('_', ' ')}
          </h2>
          {a.draft.reviewNote && <p className="warn">Reviewer: {a.draft.reviewNote}</p>}
          {!a.published && (
            // biome-ignore lint/security/noDangerouslySetInnerHtml: rendered and sanitised by the server (allow-list)
            <div className="kb-body" dangerouslySetInnerHTML={{ __html: a.draft.bodyHtml }} />
          )}
          <div className="row">
            {a.draft.state !== 'in_review' && (
              <>
                <button type="button" onClick={() => go(`/kb/${id}/edit`)}>
                  Edit draft
                </button>
                <button
                  type="button"
                  disabled={acting.busy}
                  aria-busy={acting.busy}
                  onClick={() => void act('submit')}
                >
                  Submit for review
                </button>
              </>
            )}
          </div>
          {a.draft.state === 'in_review' && publisher && (
            <div>
              <label>
                Review note
                <input value={note} onChange={(e) => setNote(e.target.value)} />
              </label>
              <div className="row">
                <button
                  type="button"
                  disabled={acting.busy}
                  aria-busy={acting.busy}
                  onClick={() => void act('approve')}
                >
                  Approve and publish
                </button>
                <button
                  type="button"
                  className="secondary"
                  disabled={acting.busy}
                  onClick={() => void act('reject')}
                >
                  Send back
                </button>
              </div>
            </div>
          )}
        </section>
      )}
      {!a.draft && writer && a.status !== 'archived' && (
        <button type="button" onClick={() => go(`/kb/${id}/edit`)}>
          Write a new version
        </button>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {publisher && a.published && a.status !== 'archived' && (
        <details>
          <summary>Send to teams to read and acknowledge</summary>
          {sending ? (
            <p role="status" className="ok">
              Sent. Follow acknowledgements under <a href="#/kb/sent">Sent for reading</a>.
            </p>
          ) : (
            <Disseminate articleId={id} onSent={() => setSending(true)} />
          )}
        </details>
      )}
      {versions.length > 1 && (
        <section aria-label="Versions">
          <h2>Versions</h2>
          <table>
            <tbody>
              {versions.map((v, i) => (
                <tr key={v.id}>
                  <td>v{v.number}</td>
                  <td>{v.state}</td>
                  <td>{v.authorName ?? '—'}</td>
                  <td>{v.changeNote ?? ''}</td>
                  <td>{v.reviewedByName ? `approved by ${v.reviewedByName}` : ''}</td>
                  <td>
                    {i + 1 < versions.length && (
                      <button
                        type="button"
                        className="link"
                        onClick={() => void compare(versions[i + 1]!.number, v.number)}
                      >
                        Compare with v{versions[i + 1]!.number}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {diff && (
            <section className="kb-diff" aria-label={`Changes from v${diff.from} to v${diff.to}`}>
              <h3>
                v{diff.from} → v{diff.to}
              </h3>
              {diff.fields.map((f) => (
                <p key={f.field}>
                  {f.field}: <del>{f.from}</del> → <ins>{f.to}</ins>
                </p>
              ))}
              <pre>
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
            Archive (take out of use)
          </button>
        </p>
      )}
    </article>
  );
}

function Disseminate({ articleId, onSent }: { articleId: string; onSent(): void }) {
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
      <legend>Send for reading</legend>
      <TeamPicker value={teamIds} onChange={setTeamIds} />
      <FieldMessage error={error} name="teamIds" label="Teams" />
      <label>
        Acknowledge within (days)
        <input
          type="number"
          min={1}
          max={30}
          value={days}
          onChange={(e) => setDays(Number(e.target.value))}
        />
      </label>
      <label>
        Note to readers
        <input value={note} onChange={(e) => setNote(e.target.value)} />
      </label>
      {error && !error.problem.errors?.length && <p className="error">{error.message}</p>}
      <button type="button" disabled={sending.busy} aria-busy={sending.busy} onClick={() => void send()}>
        Send
      </button>
    </fieldset>
  );
}

/** Write a new article or the next version, with a preview rendered exactly as it will show. */
export function ArticleEditor({ id }: { id?: string | undefined }) {
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
            .map((t) => t.trim())
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
    <section className="kb-editor" aria-label="Article editor">
      <h1>{id ? 'Edit draft' : 'New article'}</h1>
      <label>
        Title
        <input value={form.title} onChange={set('title')} />
      </label>
      <FieldMessage error={error} name="title" label="Title" />
      <div className="row">
        <label>
          Kind
          <select value={form.kind} onChange={set('kind')}>
            {Object.entries(KIND_LABELS).map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <label>
          Audience
          <select value={form.audience} onChange={set('audience')}>
            <option value="internal">Internal (staff only)</option>
            <option value="public">Public (help pages)</option>
          </select>
        </label>
        <label>
          Review by
          <input type="date" value={form.reviewAt} onChange={set('reviewAt')} />
        </label>
      </div>
      <div className="row">
        <label className="grow">
          Tags (comma-separated)
          <input value={form.tags} onChange={set('tags')} />
        </label>
        <label className="grow">
          Category
          <input value={form.category} onChange={set('category')} />
        </label>
      </div>
      <label>
        Body (Markdown)
        <textarea rows={14} value={form.body} onChange={set('body')} />
      </label>
      <FieldMessage error={error} name="body" label="Body" />
      <label>
        Answer to insert in replies (the first paragraph when empty)
        <textarea
          rows={3}
          value={form.answer}
          onChange={(e) => {
            setAnswerTouched(true);
            set('answer')(e);
          }}
        />
      </label>
      <label>
        What changed
        <input value={form.changeNote} onChange={set('changeNote')} />
      </label>
      {error && !error.problem.errors?.length && <p className="error">{error.message}</p>}
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
          Preview
        </button>
        <button type="button" disabled={saving.busy} aria-busy={saving.busy} onClick={() => void save()}>
          Save draft
        </button>
      </div>
      {preview !== null && (
        <section aria-label="Preview" className="card">
          {/* biome-ignore lint/security/noDangerouslySetInnerHtml: rendered and sanitised by the server (allow-list) */}
          <div className="kb-body" dangerouslySetInnerHTML={{ __html: preview }} />
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
        <p className="hint">Save the draft first to attach files.</p>
      )}
    </section>
  );
}
