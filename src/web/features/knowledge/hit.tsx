import { term, useT } from '../../i18n/index.ts';
import type { HitDto } from './types.ts';

/** A search hit: highlighted title (a link to the article), kind, use count and snippet. */
export function Hit({ hit, usageCount, newTab }: { hit: HitDto; usageCount: number; newTab?: boolean }) {
  const t = useT();
  return (
    <>
      <a
        href={`#/kb/${hit.articleId}`}
        data-i18n-skip
        {...(newTab ? { target: '_blank', rel: 'noreferrer' } : {})}
      >
        {/* biome-ignore lint/security/noDangerouslySetInnerHtml: escaped by the server; only <mark> is markup */}
        <strong dangerouslySetInnerHTML={{ __html: hit.titleHtml }} />
      </a>{' '}
      <span className="badge">{term('kbKind', hit.kind)}</span>{' '}
      <span className="muted" data-testid="usage-count">
        {t('knowledge.used', { count: usageCount })}
      </span>
      {/* biome-ignore lint/security/noDangerouslySetInnerHtml: escaped by the server; only <mark> is markup */}
      <p className="snippet" data-i18n-skip dangerouslySetInnerHTML={{ __html: hit.snippetHtml }} />
    </>
  );
}
