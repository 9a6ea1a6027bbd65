/** A due time, marked when it has passed by this browser's clock (queues show the server's SLA state instead). */
export function Due({ at, label }: { at: string | null; label?: string }) {
  if (!at) return <span>—</span>;
  const overdue = Date.parse(at) < Date.now();
  return (
    <time dateTime={at} className={overdue ? 'overdue' : undefined}>
      {label ? `${label} ` : ''}
      {new Date(at).toLocaleString()}
      {overdue ? ' (overdue)' : ''}
    </time>
  );
}
