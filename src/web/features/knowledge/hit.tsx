import { type HitDto, KIND_LABELS } from './types.ts';

/** A search hit: highlighted title (a link to the article), kind, use count and snippet. */
export function Hit({ hit, usageCount, newTab }: { hit: HitDto; usageCount: number; newTab?: boolean }) {
  return (
    <>
      <a href={`#/kb/${hit.articleId}`} {...(newTab ? { target: '_blank', rel: 'noreferrer' } : {})}>
        {/* biome-ignore lint/security/noDangerouslySetInnerHtml: escaped by the server; only <mark> is markup */}
        <strong dangerouslySetInnerHTML={{ __html: hit.titleHtml }} />
      </a>{' '}
      <span className="badge">{KIND_LABELS[hit.kind] ?? hit.kind}</span>{' '}
      <span className="muted" data-testid="usage-count">
        used {usageCount}×
      </span>
      {/* biome-ignore lint/security/noDangerouslySetInnerHtml: escaped by the server; only <mark> is markup */}
      <p className="snippet" dangerouslySetInnerHTML={{ __html: hit.snippetHtml }} />
    </>
  );
}
