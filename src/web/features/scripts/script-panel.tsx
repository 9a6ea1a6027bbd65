import { useEffect, useId, useState } from 'react';
import { api } from '../../app/api.ts';
import { useT } from '../../i18n/index.ts';
import { ProblemText } from '../../ui/problem.tsx';
import { RenderNotes } from './render-notes.tsx';
import { previewBody, type RenderedStepDto, type ScriptDto, type ScriptSummaryDto } from './types.ts';

/**
 * A call script beside the contact flow: choose one, walk it step by step, take a branch, go back.
 * Each step's text is filled by the server with the customer and case on the line (re-read at every
 * step, so particulars unmask as soon as the customer is verified).
 */
export function ScriptPanel({
  contactId,
  customerId,
  caseId,
  call = true,
}: {
  contactId: string;
  customerId: string | null;
  caseId: string | null;
  /** A call's script says so; on a chat or another written contact it is just the script. */
  call?: boolean;
}) {
  const t = useT();
  const headingId = useId();
  const [scripts, setScripts] = useState<ScriptSummaryDto[]>([]);
  const [script, setScript] = useState<ScriptDto | null>(null);
  const [path, setPath] = useState<string[]>([]);
  const [rendered, setRendered] = useState<RenderedStepDto | null>(null);
  const [failed, setFailed] = useState<unknown>(null);
  useEffect(() => {
    void api<{ items: ScriptSummaryDto[] }>('GET', '/scripts').then((r) => setScripts(r.items));
  }, []);

  const current = script?.steps.find((s) => s.id === path.at(-1)) ?? null;
  useEffect(() => {
    if (!script || !current) return;
    let live = true;
    setFailed(null);
    api<{ steps: RenderedStepDto[] }>('POST', `/scripts/${script.id}/preview`, {
      ...previewBody({ contactId, customerId, caseId }),
      stepId: current.id,
    })
      .then((r) => live && setRendered(r.steps[0] ?? null))
      .catch((e: unknown) => live && setFailed(e));
    return () => {
      live = false;
    };
  }, [script, current, contactId, customerId, caseId]);

  const choose = async (id: string) => {
    setScript(null);
    setRendered(null);
    setPath([]);
    if (!id) return;
    const s = await api<ScriptDto>('GET', `/scripts/${id}`);
    setScript(s);
    setPath(s.steps[0] ? [s.steps[0].id] : []);
  };
  const go = (stepId: string) => setPath((p) => [...p, stepId]);
  const shown = rendered && rendered.id === current?.id ? rendered : null;

  return (
    <section className="script-panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{t(call ? 'scripts.panel.title' : 'scripts.panel.titleWritten')}</h2>
      <label>
        {t('scripts.panel.choose')}
        <select value={script?.id ?? ''} onChange={(e) => void choose(e.target.value)}>
          <option value="">{t('scripts.panel.none')}</option>
          {scripts.map((s) => (
            <option key={s.id} value={s.id} data-i18n-skip>
              {s.name}
            </option>
          ))}
        </select>
      </label>
      {script && current && (
        <div className="script-step" data-testid="script-step">
          <p className="hint">
            {t('scripts.panel.step', { n: path.length })} · <span data-i18n-skip>{script.name}</span>
          </p>
          <h3 data-i18n-skip>{current.title}</h3>
          <div aria-live="polite">
            {shown ? (
              <p className="script-text" data-testid="script-text" data-i18n-skip>
                {shown.text}
              </p>
            ) : (
              <p className="hint">{failed ? <ProblemText error={failed} /> : t('scripts.panel.filling')}</p>
            )}
          </div>
          {shown && <RenderNotes missing={shown.missing} masked={shown.masked} />}
          {current.choices.length > 0 && (
            <ul className="script-choices" aria-label={t('scripts.panel.answer')}>
              {current.choices.map((c) => (
                <li key={c.label}>
                  <button type="button" className="secondary" onClick={() => go(c.next)} data-i18n-skip>
                    {c.label}
                  </button>
                </li>
              ))}
            </ul>
          )}
          <div className="row">
            {path.length > 1 && (
              <button type="button" className="secondary" onClick={() => setPath((p) => p.slice(0, -1))}>
                {t('scripts.panel.back')}
              </button>
            )}
            {current.next && (
              <button type="button" onClick={() => go(current.next!)}>
                {t('scripts.panel.next')}
              </button>
            )}
            {current.end && (
              <>
                <span className="ok">{t('scripts.panel.end')}</span>
                <button type="button" className="secondary" onClick={() => setPath((p) => p.slice(0, 1))}>
                  {t('scripts.panel.again')}
                </button>
              </>
            )}
          </div>
        </div>
      )}
    </section>
  );
}
