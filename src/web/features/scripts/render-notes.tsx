import { t, term } from '../../i18n/index.ts';

/** The variables by name, in the catalogue's words (`terms.templateVar`). */
const labels = (names: string[]) => names.map((n) => term('templateVar', n)).join(t('templates.separator'));

/** What a preview could not fill: values withheld until verification, and values that do not exist yet. */
export function RenderNotes({ missing, masked }: { missing: string[]; masked: string[] }) {
  if (!missing.length && !masked.length) return null;
  return (
    <ul className="render-notes">
      {masked.length > 0 && <li>{t('templates.masked', { names: labels(masked) })}</li>}
      {missing.length > 0 && <li>{t('templates.missing', { names: labels(missing) })}</li>}
    </ul>
  );
}
