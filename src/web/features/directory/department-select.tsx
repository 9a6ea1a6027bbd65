import { useDepartments } from '../../app/use-departments.ts';
import { useT } from '../../i18n/index.ts';

/** Choose a department from the directory: internal ones only, or outside parties too, with their numbers. */
export function DepartmentSelect({
  value,
  onChange,
  withOutsideParties = false,
  detailed = false,
  label,
}: {
  value: string;
  onChange(id: string): void;
  withOutsideParties?: boolean;
  detailed?: boolean;
  /** When given, the select comes wrapped in its label. */
  label?: string;
}) {
  const t = useT();
  const departments = useDepartments().filter((d) => withOutsideParties || !d.external);
  const select = (
    <select value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">—</option>
      {departments.map((d) => (
        <option key={d.id} value={d.id}>
          {detailed
            ? t('directory.detailed', {
                name: d.name,
                phone: d.phone ?? t('directory.noNumber'),
                hours: d.hours ?? t('directory.noHours'),
              })
            : d.name}
        </option>
      ))}
    </select>
  );
  return label ? (
    // biome-ignore lint/a11y/noLabelWithoutControl: the select above is the control this label wraps
    <label>
      {label}
      {select}
    </label>
  ) : (
    select
  );
}
