import { type FormEvent, useState } from 'react';
import { api } from '../../app/api.ts';
import type { HitDto, Page } from '../../app/types.ts';

/** One search box: name, ID number, mobile or line number, account number or e-mail. */
export function FindCustomer({ onPick, onUnknown }: { onPick(id: string): void; onUnknown?: () => void }) {
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<HitDto[] | null>(null);
  const search = async (e: FormEvent) => {
    e.preventDefault();
    if (!q.trim()) return;
    setHits((await api<Page<HitDto>>('GET', `/customers?q=${encodeURIComponent(q.trim())}&limit=10`)).items);
  };
  return (
    <div>
      <form onSubmit={search} className="row">
        <label className="grow">
          Find customer
          <input
            id="customer-search"
            name="customer-search"
            placeholder="Name, ID, mobile, account or e-mail"
            value={q}
            onChange={(e) => setQ(e.target.value)}
          />
        </label>
        <button type="submit">Search</button>
        {onUnknown && (
          <button type="button" className="secondary" onClick={onUnknown}>
            Unknown caller
          </button>
        )}
      </form>
      {hits && hits.length === 0 && <p>No customer matches “{q}”.</p>}
      {hits && hits.length > 0 && (
        <ul className="hits" aria-label="Matching customers">
          {hits.map((h) => (
            <li key={h.id}>
              <button type="button" className="hit" onClick={() => onPick(h.id)}>
                <strong>{h.displayName}</strong> <span>ID {h.idNumber ?? '—'}</span>{' '}
                <span>{h.phone ?? ''}</span>
                {h.matchedOn && <em> matched on {h.matchedOn.replaceAll('_', ' ')}</em>}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
