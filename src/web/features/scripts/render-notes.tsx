import { TEMPLATE_VARIABLES } from '../../../shared/templating.ts';

const LABEL = new Map(TEMPLATE_VARIABLES.map((v) => [v.name, v.label.toLowerCase()]));
const labels = (names: string[]) => names.map((n) => LABEL.get(n) ?? n).join(', ');

/** What a preview could not fill: values withheld until verification, and values that do not exist yet. */
export function RenderNotes({ missing, masked }: { missing: string[]; masked: string[] }) {
  if (!missing.length && !masked.length) return null;
  return (
    <ul className="render-notes">
      {masked.length > 0 && <li>Masked until the customer is verified: {labels(masked)}</li>}
      {missing.length > 0 && <li>No value here yet, shown in [brackets]: {labels(missing)}</li>}
    </ul>
  );
}
