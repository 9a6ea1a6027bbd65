import { useT } from '../i18n/index.ts';

/**
 * What a screen the signed-in role may not open shows instead of itself (a link followed, an address
 * typed or kept from another role): said in words with the way back, not a blank page. The server
 * refuses the data anyway; this is only what the person reads.
 */
export function NoAccess({ why }: { why: 'forbidden' | 'unknown' }) {
  const t = useT();
  return (
    <section className="no-access" aria-labelledby="no-access-title">
      <h1 id="no-access-title">
        {t(why === 'forbidden' ? 'shell.noAccess.title' : 'shell.noAccess.unknown')}
      </h1>
      {why === 'forbidden' && <p>{t('shell.noAccess.body')}</p>}
      <p>
        <a href="#/">{t('shell.noAccess.home')}</a>
      </p>
    </section>
  );
}
