import { when, whenFull } from './format.ts';

/** An instant as a list says it ("14:05", "2 Dec, 14:05"), in full on hover. */
export function At({ iso }: { iso: string }) {
  return (
    <time dateTime={iso} title={whenFull(iso)}>
      {when(iso)}
    </time>
  );
}
