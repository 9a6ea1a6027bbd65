import type { ReactNode } from 'react';
import { ApiError } from '../app/api.ts';
import { FieldWords } from './problem.tsx';

/** A labelled control with the problem the API found with that field shown right under it. */
export function Field({
  label,
  name,
  error,
  children,
}: {
  label: string;
  name: string;
  error: ApiError | null;
  children: ReactNode;
}) {
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control arrives as children and is wrapped by this label
    <label>
      {label}
      {children}
      <FieldMessage error={error} name={name} label={label} />
    </label>
  );
}

/** The problem with one field in the reader's words (its rule's), to place right under its control. */
export function FieldMessage({
  error,
  name,
  label,
}: {
  error: ApiError | null;
  name: string;
  label: string;
}) {
  const field = error?.field(name);
  return field ? (
    <span className="error" role="alert">
      {label} <FieldWords error={field} />
    </span>
  ) : null;
}

/** Run an API call, keeping its problem (if any) for the form to show. */
export async function attempt(
  run: () => Promise<unknown>,
  setError: (e: ApiError | null) => void,
): Promise<boolean> {
  setError(null);
  try {
    await run();
    return true;
  } catch (e) {
    if (e instanceof ApiError) {
      setError(e);
      return false;
    }
    throw e;
  }
}
