/**
 * Move keyboard focus to the element the next step starts at, once it is on screen (after the
 * re-render a click causes), so a keyboard or screen-reader user is not left on the page body when
 * the control they used disappears.
 */
export function focusSoon(selector: string, frames = 30): void {
  const attempt = (left: number) => {
    const el = document.querySelector<HTMLElement>(selector);
    if (el && !el.hasAttribute('disabled')) {
      el.focus();
      return;
    }
    if (left > 0) requestAnimationFrame(() => attempt(left - 1));
  };
  requestAnimationFrame(() => attempt(frames));
}
