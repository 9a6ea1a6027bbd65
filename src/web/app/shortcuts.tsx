import { useEffect, useRef, useState } from 'react';

/** Alt+key: the element (by id) to click (buttons) or focus (fields). */
export const SHORTCUTS: { keys: string; key: string; target: string; does: string }[] = [
  { keys: 'Alt+A', key: 'a', target: 'answer-call', does: 'Answer a call' },
  { keys: 'Alt+F', key: 'f', target: 'customer-search', does: 'Find the customer' },
  { keys: 'Alt+E', key: 'e', target: 'enquiry', does: "Type the enquiry in the customer's words" },
  { keys: 'Alt+S', key: 's', target: 'save-outcome', does: 'Save the outcome' },
  { keys: 'Alt+N', key: 'n', target: 'end-contact', does: 'End the contact' },
  { keys: 'Alt+Q', key: 'q', target: 'nav-queues', does: 'Go to the queues' },
  { keys: 'Alt+C', key: 'c', target: 'nav-contact', does: 'Go to the contact screen' },
];

const typing = (el: EventTarget | null) =>
  el instanceof HTMLElement && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));

/** Global keyboard shortcuts; `?` (outside a text field) shows them. */
export function Shortcuts() {
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
      <h2 id="shortcuts-title">Keyboard shortcuts</h2>
      <table>
        <tbody>
          <tr>
            <th scope="row">
              <kbd>?</kbd>
            </th>
            <td>Show this list</td>
          </tr>
          {SHORTCUTS.map((s) => (
            <tr key={s.keys}>
              <th scope="row">
                <kbd>{s.keys}</kbd>
              </th>
              <td>{s.does}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" onClick={() => setOpen(false)}>
        Close
      </button>
    </dialog>
  );
}
