import { useT } from '../../i18n/index.ts';
import { ScriptsAdmin } from './scripts-admin.tsx';
import { TemplatesAdmin } from './templates-admin.tsx';

/** Where team leaders and above write standard phrases, e-mail/SMS templates and call scripts. */
export function ScriptsPage() {
  const t = useT();
  return (
    <div className="admin">
      <h1>{t('scriptsPage.title')}</h1>
      <TemplatesAdmin />
      <ScriptsAdmin />
    </div>
  );
}
