import { useEffect, useId, useState } from 'react';
import { TEMPLATE_KINDS } from '../../../shared/templating.ts';
import { api } from '../../app/api.ts';
import { term, useT } from '../../i18n/index.ts';
import { ProblemText } from '../../ui/problem.tsx';
import { RenderNotes } from './render-notes.tsx';
import { type MergeTarget, previewBody, type TemplateDto, type TemplatePreviewDto } from './types.ts';

/**
 * Choose a standard phrase or an e-mail/SMS template, see it filled with the real case's data (as the
 * officer may see it: particulars stay masked without a verified contact), then insert it.
 */
export function TemplatePicker({
  target,
  onInsert,
}: {
  target: MergeTarget;
  onInsert(text: string, subject: string | null): void;
}) {
  const t = useT();
  const selectId = useId();
  const [templates, setTemplates] = useState<TemplateDto[]>([]);
  const [chosen, setChosen] = useState('');
  const [preview, setPreview] = useState<TemplatePreviewDto | null>(null);
  const [failed, setFailed] = useState<unknown>(null);
  useEffect(() => {
    void api<{ items: TemplateDto[] }>('GET', '/templates').then((r) => setTemplates(r.items));
  }, []);
  const { caseId, customerId, contactId } = target;
  useEffect(() => {
    setPreview(null);
    setFailed(null);
    if (!chosen) return;
    let live = true;
    api<TemplatePreviewDto>(
      'POST',
      `/templates/${chosen}/preview`,
      previewBody({ caseId, customerId, contactId }),
    )
      .then((p) => live && setPreview(p))
      .catch((e: unknown) => live && setFailed(e));
    return () => {
      live = false;
    };
  }, [chosen, caseId, customerId, contactId]);

  return (
    <div className="template-picker">
      <label htmlFor={selectId}>{t('templates.insertLabel')}</label>
      <div className="row">
        <select id={selectId} className="grow" value={chosen} onChange={(e) => setChosen(e.target.value)}>
          <option value="">{t('templates.choose')}</option>
          {TEMPLATE_KINDS.map((kind) => {
            const items = templates.filter((x) => x.kind === kind);
            return items.length ? (
              <optgroup key={kind} label={term('templateKinds', kind)}>
                {items.map((x) => (
                  <option key={x.id} value={x.id} data-i18n-skip>
                    {x.name}
                  </option>
                ))}
              </optgroup>
            ) : null;
          })}
        </select>
        <button
          type="button"
          disabled={!preview}
          onClick={() => {
            if (!preview) return;
            onInsert(preview.text, preview.subject);
            setChosen('');
          }}
        >
          {t('templates.insert')}
        </button>
      </div>
      {failed ? (
        <p className="error" role="alert">
          <ProblemText error={failed} />
        </p>
      ) : null}
      {preview && (
        <figure className="template-preview" aria-label={t('templates.preview')}>
          {preview.subject && (
            <p>
              <strong>{t('templates.subject')}</strong>{' '}
              <span data-testid="template-subject" data-i18n-skip>
                {preview.subject}
              </span>
            </p>
          )}
          <p className="script-text" data-testid="template-text" data-i18n-skip>
            {preview.text}
          </p>
          <RenderNotes missing={preview.missing} masked={preview.masked} />
        </figure>
      )}
    </div>
  );
}
