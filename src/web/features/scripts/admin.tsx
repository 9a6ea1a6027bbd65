import { ScriptsAdmin } from './scripts-admin.tsx';
import { TemplatesAdmin } from './templates-admin.tsx';

/** Administration of standard phrases, e-mail/SMS templates and call scripts. */
export function TemplatesAndScriptsAdmin() {
  return (
    <>
      <TemplatesAdmin />
      <ScriptsAdmin />
    </>
  );
}
