import type { ReactNode } from 'react';
import { can } from '../../shared/permissions.ts';
import { AdminPage } from '../features/admin/admin-page.tsx';
import { SlaAdmin } from '../features/admin/sla-admin.tsx';
import { AtRisk } from '../features/cases/at-risk.tsx';
import { CasePage } from '../features/cases/case-page.tsx';
import { Queues } from '../features/cases/queues.tsx';
import { MyChats } from '../features/chat/my-chats.tsx';
import { ContactFlow } from '../features/contact/contact-flow.tsx';
import { CustomersPage } from '../features/customers/customer-360.tsx';
import { FollowUpsPage } from '../features/followups/followups-page.tsx';
import { KnowledgePage } from '../features/knowledge/knowledge-page.tsx';
import { LoginPage } from '../features/login/login-page.tsx';
import { NotificationBell } from '../features/notifications/bell.tsx';
import { StateControl } from '../features/presence/state-control.tsx';
import { OfferBanner } from '../features/routing/offer-banner.tsx';
import { PullButton } from '../features/routing/pull-button.tsx';
import { QueueScreen } from '../features/routing/queue-screen.tsx';
import { RoutingAdmin } from '../features/routing/routing-admin.tsx';
import { ScriptsPage } from '../features/scripts/scripts-page.tsx';
import { SearchBox } from '../features/search/search-box.tsx';
import { SearchPage } from '../features/search/search-page.tsx';
import { term, useT } from '../i18n/index.ts';
import { LiveProvider } from './live.tsx';
import { MainNav, type NavLink } from './main-nav.tsx';
import { NoAccess } from './no-access.tsx';
import { useRoute } from './router.ts';
import { SessionProvider, useSession } from './session.tsx';
import { Shortcuts } from './shortcuts.tsx';
import type { UserDto } from './types.ts';

/** `#/customers/<id>?contact=<contactId>`: the contact whose verification unmasks the view. */
const contactParam = () =>
  new URLSearchParams(window.location.hash.split('?')[1] ?? '').get('contact') ?? undefined;

type NavLabel =
  | 'contact'
  | 'customers'
  | 'queues'
  | 'followups'
  | 'knowledge'
  | 'dueSoon'
  | 'scripts'
  | 'admin';

const MANAGERS = new Set(['supervisor', 'administrator']);
const LEADERS = new Set(['team_leader', 'supervisor', 'administrator']);
const FRONTLINE_ROLES = new Set(['officer', 'trainee', 'team_leader', 'supervisor', 'administrator']);

/**
 * The screen the address names, if the role may open it; one it may not says so with a link to the
 * start page (it was a blank page), and so does an address that names no screen.
 */
function Screen({
  user,
  screen,
  id,
  handles,
}: {
  user: UserDto;
  screen: string;
  id: string | undefined;
  handles: boolean;
}) {
  const only = (allowed: boolean, el: ReactNode) => (allowed ? el : <NoAccess why="forbidden" />);
  switch (screen) {
    case 'contact':
      return only(handles, <ContactFlow user={user} />);
    case 'cases':
      return id ? <CasePage id={id} userId={user.id} role={user.role} /> : <Queues user={user} />;
    case 'admin':
      if (id === 'routing') return only(can(user.role, 'routing.manage'), <RoutingAdmin user={user} />);
      return only(
        MANAGERS.has(user.role),
        id === 'sla' && can(user.role, 'sla.manage') ? <SlaAdmin /> : <AdminPage user={user} />,
      );
    case 'customers':
      return <CustomersPage id={id} contactId={contactParam()} />;
    case 'followups':
      return only(handles, <FollowUpsPage />);
    case 'at-risk':
      return only(LEADERS.has(user.role), <AtRisk user={user} />);
    case 'routing':
      return only(can(user.role, 'presence.team'), <QueueScreen user={user} />);
    case 'kb':
      return <KnowledgePage user={user} />;
    case 'search':
      return <SearchPage />;
    case 'scripts':
      return only(can(user.role, 'templates.manage'), <ScriptsPage />);
    default:
      return <NoAccess why="unknown" />;
  }
}

function Shell() {
  const { user, loading, logout } = useSession();
  const t = useT();
  const route = useRoute();
  if (loading) return <p className="loading">{t('common.loading')}</p>;
  if (!user) return <LoginPage />;
  const handles = FRONTLINE_ROLES.has(user.role);
  const [screen = handles ? 'contact' : 'cases', id] = route;
  const link = (to: string, href: string, label: NavLabel, elementId?: string): NavLink => ({
    href,
    label: t(`shell.nav.${label}`),
    current: screen === to,
    ...(elementId ? { id: elementId } : {}),
  });
  return (
    <LiveProvider>
      <div className="shell">
        <header className="topbar">
          <span className="brand">{t('shell.brand')}</span>
          <MainNav
            links={[
              ...(handles ? [link('contact', '#/contact', 'contact', 'nav-contact')] : []),
              link('customers', '#/customers', 'customers'),
              link('cases', '#/cases', 'queues', 'nav-queues'),
              ...(handles ? [link('followups', '#/followups', 'followups', 'nav-followups')] : []),
              link('kb', '#/kb', 'knowledge', 'nav-kb'),
              ...(LEADERS.has(user.role) ? [link('at-risk', '#/at-risk', 'dueSoon', 'nav-at-risk')] : []),
              ...(can(user.role, 'templates.manage')
                ? [link('scripts', '#/scripts', 'scripts', 'nav-scripts')]
                : []),
              ...(MANAGERS.has(user.role) ? [link('admin', '#/admin', 'admin')] : []),
            ]}
          />
          <SearchBox />
          {/* Managers' bars are full (Administration): their state is set through the API for now. */}
          {can(user.role, 'presence.self') && !MANAGERS.has(user.role) && <StateControl userId={user.id} />}
          {handles && <MyChats userId={user.id} teamId={user.teamId} />}
          {can(user.role, 'presence.self') && <PullButton userId={user.id} />}
          <NotificationBell role={user.role} />
          <span className="who">
            <span data-i18n-skip>{user.displayName}</span>
            <small>
              <span className="sr-only"> · </span>
              {term('role', user.role)}
            </small>
          </span>
          <button type="button" className="link" onClick={() => void logout()}>
            {t('shell.signOut')}
          </button>
        </header>
        {can(user.role, 'presence.self') && <OfferBanner userId={user.id} />}
        <Shortcuts />
        <main>
          <Screen user={user} screen={screen} id={id} handles={handles} />
        </main>
      </div>
    </LiveProvider>
  );
}

export function App() {
  return (
    <SessionProvider>
      <Shell />
    </SessionProvider>
  );
}
