import type { KeyboardEvent, RefObject } from 'react';
import { useT } from '../../../i18n/index.ts';

type Edit = { value: string; start: number; end: number };

/** `**x**` around the selection (or an empty pair with the caret inside). */
function wrap(v: string, s: number, e: number, marker: string): Edit {
  const inner = v.slice(s, e);
  return {
    value: `${v.slice(0, s)}${marker}${inner}${marker}${v.slice(e)}`,
    start: s + marker.length,
    end: e + marker.length,
  };
}

/** Each line the selection touches becomes a list item ("- " or "1. ", "2. "…). */
function list(v: string, s: number, e: number, numbered: boolean): Edit {
  const from = v.lastIndexOf('\n', s - 1) + 1;
  const toNl = v.indexOf('\n', e);
  const to = toNl === -1 ? v.length : toNl;
  const lines = v.slice(from, to).split('\n');
  const out = lines.map((l, i) => `${numbered ? `${i + 1}.` : '-'} ${l}`).join('\n');
  // A list needs a blank line before it to be one.
  const gap = from > 0 && v.slice(0, from) !== '' && !v.slice(0, from).endsWith('\n\n') ? '\n' : '';
  return {
    value: `${v.slice(0, from)}${gap}${out}${v.slice(to)}`,
    start: from + gap.length,
    end: from + gap.length + out.length,
  };
}

/** `[label](https://)` with the address selected, to be typed over. */
function link(v: string, s: number, e: number, fallback: string): Edit {
  const label = v.slice(s, e) || fallback;
  const before = `${v.slice(0, s)}[${label}](`;
  return {
    value: `${before}https://)${v.slice(e)}`,
    start: before.length,
    end: before.length + 'https://'.length,
  };
}

/**
 * Bold, italic, lists and links for a reply sent by e-mail: the buttons (and Ctrl+B, Ctrl+I, Ctrl+K)
 * write light Markdown into the text, which the server sends as HTML with the text beside it. Plain
 * text stays plain: nothing is hidden in the box the officer types in.
 */
export function FormatBar({
  area,
  value,
  onChange,
}: {
  area: RefObject<HTMLTextAreaElement | null>;
  value: string;
  onChange: (v: string) => void;
}) {
  const t = useT();
  const apply = (f: (v: string, s: number, e: number) => Edit) => {
    const el = area.current;
    if (!el) return;
    const r = f(value, el.selectionStart, el.selectionEnd);
    onChange(r.value);
    requestAnimationFrame(() => {
      el.focus();
      el.setSelectionRange(r.start, r.end);
    });
  };
  const buttons = [
    {
      key: 'bold',
      label: t('thread.format.bold'),
      text: 'B',
      run: () => apply((v, s, e) => wrap(v, s, e, '**')),
    },
    {
      key: 'italic',
      label: t('thread.format.italic'),
      text: 'I',
      run: () => apply((v, s, e) => wrap(v, s, e, '*')),
    },
    {
      key: 'bullets',
      label: t('thread.format.bullets'),
      text: '•',
      run: () => apply((v, s, e) => list(v, s, e, false)),
    },
    {
      key: 'numbers',
      label: t('thread.format.numbers'),
      // "#" (as in wiki lists), not "1.": a digit shown would have to be part of the button's name.
      text: '#',
      run: () => apply((v, s, e) => list(v, s, e, true)),
    },
    {
      key: 'link',
      label: t('thread.format.link'),
      text: '🔗',
      run: () => apply((v, s, e) => link(v, s, e, t('thread.format.linkText'))),
    },
  ];
  return (
    <div role="toolbar" aria-label={t('thread.format.toolbar')} className="format-bar">
      {buttons.map((b) => (
        <button
          key={b.key}
          type="button"
          className={`format-${b.key}`}
          aria-label={b.label}
          title={b.label}
          onMouseDown={(e) => e.preventDefault()}
          onClick={b.run}
        >
          {/* Typographic signs, the same in every language (the name says what each does). */}
          <span aria-hidden="true" data-i18n-skip>
            {b.text}
          </span>
        </button>
      ))}
      <span className="muted small">{t('thread.format.hint')}</span>
    </div>
  );
}

/** Ctrl/Cmd+B, I and K in the reply box do what the toolbar's buttons do. */
export function formatShortcut(
  e: KeyboardEvent<HTMLTextAreaElement>,
  value: string,
  onChange: (v: string) => void,
  linkText: string,
): void {
  if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey) return;
  const k = e.key.toLowerCase();
  const f =
    k === 'b'
      ? (v: string, s: number, en: number) => wrap(v, s, en, '**')
      : k === 'i'
        ? (v: string, s: number, en: number) => wrap(v, s, en, '*')
        : k === 'k'
          ? (v: string, s: number, en: number) => link(v, s, en, linkText)
          : null;
  if (!f) return;
  e.preventDefault();
  const el = e.currentTarget;
  const r = f(value, el.selectionStart, el.selectionEnd);
  onChange(r.value);
  requestAnimationFrame(() => el.setSelectionRange(r.start, r.end));
}
