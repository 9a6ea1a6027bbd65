import { type FormEvent, useState } from 'react';
import { api } from '../../app/api.ts';
import type { HitDto, Page } from '../../app/types.ts';
import { term, useT } from '../../i18n/index.ts';
import { usePhoneWords } from '../../ui/phone.ts';

/** One search box: name, ID number, mobile or line number, account number or e-mail. */
export function FindCustomer({ onPick, onUnknown }: { onPick(id: string): void; onUnknown?: () => void }) {
  const t = useT();
  const phone = usePhoneWords();
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<HitDto[] | null>(null);
  const [more, setMore] = useState(false);
  const search = async (e: FormEvent) => {
    e.preventDefault();
    if (!q.trim()) return;
    const page = await api<Page<HitDto> & { more?: boolean }>(
      'GET',
      `/customers?q=${encodeURIComponent(q.trim())}&limit=10`,
    );
    setHits(page.items);
    setMore(page.more === true);
  };
  return (
    <div>
      <form onSubmit={search} className="row">
        <label className="grow">
          {t('contact.find.label')}
          <input
            id="customer-search"
            name="customer-search"
            placeholder={t('contact.find.placeholder')}
            value={q}
            onChange={(e) => setQ(e.target.value)}
          />
        </label>
        <button type="submit">{t('contact.find.search')}</button>
        {onUnknown && (
          <button type="button" className="secondary" onClick={onUnknown}>
            {t('contact.find.unknown')}
          </button>
        )}
      </form>
      {hits && hits.length === 0 && <p>{t('contact.find.none', { q })}</p>}
      {hits && hits.length > 0 && (
        <ul className="hits" aria-label={t('contact.find.matches')}>
          {hits.map((h) => (
            <li key={h.id}>
              <button type="button" className="hit" onClick={() => onPick(h.id)}>
                <strong data-i18n-skip>{h.displayName}</strong>{' '}
                <span>{t('contact.find.id', { id: h.idNumber ?? '—' })}</span>{' '}
                <span data-i18n-skip>{h.phone ? phone(h.phone) : ''}</span>
                {h.matchedOn && (
                  <em>{t('contact.find.matchedOn', { what: term('matchKind', h.matchedOn) })}</em>
                )}
              </button>
            </li>
          ))}
        </ul>
      )}
      {hits && more && <p className="muted">{t('contact.find.more')}</p>}
    </div>
  );
}
