import { ApiError, fieldWords, type ShownFieldError } from '../app/api.ts';

/** Words that are data when they are the server's English (a rule or code the catalogue lacks). */
function Words({ text, data }: { text: string; data: boolean }) {
  return data ? <span data-i18n-skip>{text}</span> : text;
}

/** One field's problem: the catalogue's words for its rule, else the server's English as data. */
export function FieldWords({
  error,
}: {
  error: Pick<ShownFieldError, 'rule' | 'params' | 'message' | 'where'>;
}) {
  return (
    <>
      {error.where && `${error.where}: `}
      <Words {...fieldWords(error)} />
    </>
  );
}

/**
 * A problem as the desktop says it (docs/i18n.md): the catalogue's words for its code, then what
 * the server adds — each failing field (its name is data) in the rule's words, or else the
 * server's `detail`, which is English and data. A string is shown as it is (the screen's own words
 * from the catalogue); anything else thrown is shown as data.
 */
export function ProblemText({ error }: { error: unknown }) {
  // A string is the screen's own words (from the catalogue); another Error is a fault's English.
  if (typeof error === 'string') return <>{error}</>;
  if (!(error instanceof ApiError)) {
    const text = error instanceof Error ? error.message : error ? String(error) : '';
    return text ? <span data-i18n-skip>{text}</span> : null;
  }
  const fields = error.problem.errors ?? [];
  return (
    <>
      <Words text={error.title} data={error.titleIsData} />
      {fields.length > 0 && ': '}
      {fields.map((f, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a problem's fields are shown once, in order
        <span key={`${f.field} ${f.rule} ${i}`}>
          {i > 0 && '; '}
          <span data-i18n-skip>{f.field.split('/').pop()}</span> <FieldWords error={f} />
        </span>
      ))}
      {error.detail && (
        <>
          {': '}
          <span className="problem-detail" data-i18n-skip>
            {error.detail}
          </span>
        </>
      )}
    </>
  );
}

/** Several problems in their rules' words, one after another (without the fields' names). */
export function FieldsWords({
  errors,
  separator = '; ',
}: {
  errors: readonly Pick<ShownFieldError, 'rule' | 'params' | 'message' | 'where'>[];
  separator?: string;
}) {
  return (
    <>
      {errors.map((e, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a list of problems is shown once, in order
        <span key={`${e.rule} ${i}`}>
          {i > 0 && separator}
          <FieldWords error={e} />
        </span>
      ))}
    </>
  );
}
