import { type FormEvent, useEffect, useRef, useState } from 'react';
import { go } from '../../app/router.ts';
import { useT } from '../../i18n/index.ts';
import { searchHash } from './search-url.ts';
import './search.css';

const typing = (el: EventTarget | null) =>
  el instanceof HTMLElement && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));

/** The one search box in the top bar: `/` focuses it (outside a text field); Enter shows the results. */
export function SearchBox() {
  const t = useT();
  const input = useRef<HTMLInputElement>(null);
  const [q, setQ] = useState('');
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== '/' || e.altKey || e.ctrlKey || e.metaKey || typing(e.target)) return;
      e.preventDefault();
      input.current?.focus();
      input.current?.select();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!q.trim()) return;
    go(searchHash({ q: q.trim() }));
    // The results page has the query in a field of its own; the box is ready for the next one.
    setQ('');
  };
  return (
    <search className="search-box">
      <form onSubmit={submit}>
        <label htmlFor="global-search" className="sr-only">
          {t('search.box.label')}
        </label>
        <input
          id="global-search"
          ref={input}
          type="search"
          value={q}
          maxLength={200}
          placeholder={t('search.box.placeholder')}
          title={t('search.box.title')}
          aria-keyshortcuts="/"
          autoComplete="off"
          onChange={(e) => setQ(e.target.value)}
          onKeyDown={(e) => {
            // Down from the box goes to the first result on the results page.
            if (e.key === 'ArrowDown') {
              const first = document.querySelector<HTMLElement>('[data-result]');
              if (first) {
                e.preventDefault();
                first.focus();
              }
            }
          }}
        />
        <svg className="search-icon" aria-hidden="true" viewBox="0 0 16 16" width="16" height="16">
          <circle cx="6.5" cy="6.5" r="4.5" fill="none" stroke="currentColor" strokeWidth="1.8" />
          <path d="M10 10l4.5 4.5" stroke="currentColor" strokeWidth="1.8" />
        </svg>
      </form>
    </search>
  );
}
