import { useEffect, useRef, useState } from 'react';
import { useT } from '../i18n/index.ts';

/** Alt+key: the element (by id) to click (buttons) or focus (fields); what it does is `shortcuts.does.<key>`. */
export const SHORTCUTS = [
  { key: 'a', target: 'answer-call' },
  { key: 'f', target: 'customer-search' },
  { key: 'e', target: 'enquiry' },
  { key: 's', target: 'save-outcome' },
  { key: 'n', target: 'end-contact' },
  { key: 'q', target: 'nav-queues' },
  { key: 'c', target: 'nav-contact' },
] as const;

const typing = (el: EventTarget | null) =>
  el instanceof HTMLElement && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));

/** Global keyboard shortcuts; `?` (outside a text field) shows them. */
export function Shortcuts() {
  const t = useT();
  const [open, setOpen] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === '?' && !typing(e.target)) {
        e.preventDefault();
        setOpen(true);
        return;
      }
      if (!e.altKey || e.ctrlKey || e.metaKey) return;
      const s = SHORTCUTS.find(
        (x) => x.key === e.key.toLowerCase() || `Key${x.key.toUpperCase()}` === e.code,
      );
      const el = s && document.getElementById(s.target);
      if (!el) return;
      e.preventDefault();
      if (el instanceof HTMLButtonElement || el instanceof HTMLAnchorElement) el.click();
      else el.focus();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  useEffect(() => {
    if (open) dialog.current?.showModal();
    else dialog.current?.close();
  }, [open]);
  return (
    <dialog ref={dialog} aria-labelledby="shortcuts-title" onClose={() => setOpen(false)}>
      <h2 id="shortcuts-title">{t('shortcuts.title')}</h2>
      <table>
        <tbody>
          <tr>
            <th scope="row">
              <kbd>?</kbd>
            </th>
            <td>{t('shortcuts.showList')}</td>
          </tr>
          {SHORTCUTS.map((s) => (
            <tr key={s.key}>
              <th scope="row">
                <kbd>{t('shortcuts.alt', { key: s.key.toUpperCase() })}</kbd>
              </th>
              <td>{t(`shortcuts.does.${s.key}`)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" onClick={() => setOpen(false)}>
        {t('shortcuts.close')}
      </button>
    </dialog>
  );
}
