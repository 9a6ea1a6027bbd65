import { ScriptsAdmin } from './scripts-admin.tsx';
import { TemplatesAdmin } from './templates-admin.tsx';

/** Where team leaders and above write standard phrases, e-mail/SMS templates and call scripts. */
export function ScriptsPage() {
  return (
    <div className="admin">
      <h1>Templates & scripts</h1>
      <TemplatesAdmin />
      <ScriptsAdmin />
    </div>
  );
}
