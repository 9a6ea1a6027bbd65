import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useT } from '../i18n/index.ts';
import { useDismiss } from '../ui/use-dismiss.ts';
import { linksThatFit } from './nav-fit.ts';

/** A destination of the top bar. */
export interface NavLink {
  /** The element id tests and shortcuts find it by (the bar's copy only). */
  id?: string;
  href: string;
  label: string;
  current: boolean;
}

/**
 * The top bar's links on one line whatever else the bar holds (a leader's urgent notifications,
 * Chats, Next e-mail, a longer language): the links that would not fit go, from the last (the
 * least used: Due soon, Templates & scripts, Administration), into a "More" menu after the others.
 * A link moved there, and "More" while nothing needs it, is taken out of the flow and hidden but
 * still measured, so the count follows the room without the bar ever jumping.
 */
export function MainNav({ links }: { links: NavLink[] }) {
  const t = useT();
  const nav = useRef<HTMLElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const [shown, setShown] = useState(links.length);
  const [open, setOpen] = useState(false);
  const labels = links.map((l) => l.label).join('\u0000');

  // The nav takes the bar's free room whatever it holds (flex: 1, min-width: 0): measuring it never
  // changes it, so one answer per size, no flicker.
  // biome-ignore lint/correctness/useExhaustiveDependencies: measured again when the words change (a language chosen)
  useLayoutEffect(() => {
    const el = nav.current;
    if (!el) return;
    const fit = () => {
      const row = el.querySelector<HTMLElement>('.nav-links');
      const more = el.querySelector<HTMLElement>('.nav-more');
      if (!row || !more) return;
      const widths = [...row.querySelectorAll('a')].map((a) => a.getBoundingClientRect().width);
      const gap = Number.parseFloat(getComputedStyle(el).columnGap) || 0;
      // A pixel spare: sub-pixel widths must not push the last link under the search box.
      setShown(linksThatFit(widths, gap, more.getBoundingClientRect().width, el.clientWidth - 1));
    };
    fit();
    const seen = new ResizeObserver(fit);
    seen.observe(el);
    return () => seen.disconnect();
  }, [labels]);

  // Escape, a click outside or a link chosen closes the menu, as the bell's list does.
  useDismiss(open, setOpen, menu, button);

  const more = links.slice(shown);
  useEffect(() => {
    if (!more.length) setOpen(false);
  }, [more.length]);

  return (
    <nav ref={nav} aria-label={t('shell.mainNav')}>
      <div className="nav-links">
        {links.map((l, i) => (
          <a
            key={l.href}
            id={l.id}
            href={l.href}
            aria-current={l.current ? 'page' : undefined}
            className={i >= shown ? 'overflowed' : undefined}
          >
            {l.label}
          </a>
        ))}
      </div>
      <div className={`nav-more${more.length ? '' : ' idle'}`} ref={menu}>
        <button
          ref={button}
          type="button"
          className={`more-button${more.some((l) => l.current) ? ' current' : ''}`}
          aria-expanded={open}
          aria-controls="nav-more-list"
          onClick={() => setOpen(!open)}
        >
          {t('shell.nav.more')}
        </button>
        {open && (
          <ul id="nav-more-list" className="more-list" aria-label={t('shell.nav.moreList')}>
            {more.map((l) => (
              <li key={l.href}>
                <a
                  className="more-link"
                  href={l.href}
                  aria-current={l.current ? 'page' : undefined}
                  onClick={() => setOpen(false)}
                >
                  {l.label}
                </a>
              </li>
            ))}
          </ul>
        )}
      </div>
    </nav>
  );
}
