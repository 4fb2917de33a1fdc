// Providers (language, antd locale, session, live events) and the routes.
// Each page is its own chunk, loaded when first opened.
import { lazy, Suspense, type ComponentType, type ReactNode } from 'react';
import { tokenStore } from './api/session';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { App as AntApp, Button, ConfigProvider, Spin } from 'antd';
import { Notice } from './components/Notice';
import { errorText } from './api/errorText';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { I18nProvider, useI18n } from './i18n';
import { AuthProvider, useAuth } from './auth/AuthProvider';
import { EventsProvider } from './ws/EventsProvider';
import { ErrorBoundary } from './components/ErrorBoundary';
import { AppLayout } from './layout/AppLayout';
import { PAGES, homePath, visiblePages } from './layout/routes';
// Shared with scripts/antd-css.cjs, which pre-renders antd's styles for this theme.
import theme from './theme.json';
import { NoAccess } from './layout/NoAccess';

const LoginPage = lazy(() => import('./auth/LoginPage'));

const pageLoaders: Record<string, () => Promise<{ default: ComponentType }>> = {
  desktop: () => import('./pages/agent/AgentDesktopPage'),
  myrecordings: () => import('./pages/records/MyRecordingsPage'),
  wallboard: () => import('./pages/wallboard/WallboardPage'),
  users: () => import('./pages/admin/UsersPage'),
  departments: () => import('./pages/admin/DepartmentsPage'),
  roles: () => import('./pages/admin/RolesPage'),
  audit: () => import('./pages/admin/AuditPage'),
  webhooks: () => import('./pages/center/WebhooksPage'),
  queues: () => import('./pages/center/QueuesPage'),
  agents: () => import('./pages/center/AgentsPage'),
  flows: () => import('./pages/center/FlowsPage'),
  blacklist: () => import('./pages/center/BlacklistPage'),
  notices: () => import('./pages/center/NoticesPage'),
  extensions: () => import('./pages/telephony/ExtensionsPage'),
  trunks: () => import('./pages/telephony/TrunksPage'),
  dids: () => import('./pages/telephony/DidsPage'),
  dialrules: () => import('./pages/telephony/DialRulesPage'),
  recordings: () => import('./pages/records/RecordingsPage'),
  cdrs: () => import('./pages/records/CdrsPage'),
  reports: () => import('./pages/reports/ReportsPage'),
  staffing: () => import('./pages/reports/StaffingPage'),
};

const pageComponents = Object.fromEntries(Object.entries(pageLoaders).map(([k, load]) => [k, lazy(load)]));

// A logged-in reload of a page starts fetching that page's code at once, in
// parallel with /auth/me, instead of after it (the agent desktop's first load).
if (tokenStore.get()) {
  const first = PAGES.find((p) => window.location.pathname.startsWith(p.path));
  if (first) void pageLoaders[first.key]?.().catch(() => undefined);
}

function PageSpinner() {
  const { t } = useI18n();
  return (
    <div style={{ padding: 48, textAlign: 'center' }}>
      <Spin aria-label={t('common.loading')} />
    </div>
  );
}

/** Resets the error boundary when the user navigates to another page. */
function KeyedBoundary({ children }: { children: ReactNode }) {
  const loc = useLocation();
  return <ErrorBoundary key={loc.pathname}>{children}</ErrorBoundary>;
}

function AuthedRoutes() {
  const { me, loading, token, meError } = useAuth();
  if (!token) return <Navigate to="/login" replace />;
  if (meError && !loading) return <SessionError />;
  if (loading || !me) return <PageSpinner />;
  const allowed = new Set(visiblePages(me.permissions).map((p) => p.key));
  return (
    <EventsProvider token={token}>
      <AppLayout>
        <KeyedBoundary>
          <Suspense fallback={<PageSpinner />}>
            <Routes>
              {PAGES.map((p) => {
                const Page = pageComponents[p.key]!;
                return <Route key={p.key} path={p.path} element={allowed.has(p.key) ? <Page /> : <NoAccess />} />;
              })}
              <Route path="*" element={<Home />} />
            </Routes>
          </Suspense>
        </KeyedBoundary>
      </AppLayout>
    </EventsProvider>
  );
}

/** /auth/me failed for another reason than an expired session (server down, network). */
function SessionError() {
  const { t } = useI18n();
  const { meError, reloadMe, logout } = useAuth();
  return (
    <Notice
      type="warning"
      title={t('session.error')}
      description={errorText(t, meError)}
      actions={
        <>
          <Button type="primary" onClick={reloadMe}>
            {t('boundary.retry')}
          </Button>
          <Button onClick={() => void logout()}>{t('header.logout')}</Button>
        </>
      }
    />
  );
}

function Home() {
  const { me } = useAuth();
  const path = homePath(me?.permissions ?? []);
  return path === '/nothing' ? <NoAccess /> : <Navigate to={path} replace />;
}

function LocalizedApp() {
  const { lang } = useI18n();
  return (
    <ConfigProvider locale={lang === 'zh-CN' ? zhCN : enUS} button={{ autoInsertSpace: false }} theme={theme}>
      <AntApp>
        <AuthProvider>
          <BrowserRouter>
            <Routes>
              <Route path="/login" element={<LoginRoute />} />
              <Route path="/*" element={<AuthedRoutes />} />
            </Routes>
          </BrowserRouter>
        </AuthProvider>
      </AntApp>
    </ConfigProvider>
  );
}

function LoginRoute() {
  const { token, me, loading } = useAuth();
  if (token && me && !loading) return <Navigate to={homePath(me.permissions)} replace />;
  return (
    <Suspense fallback={<PageSpinner />}>
      <LoginPage />
    </Suspense>
  );
}

export function App() {
  return (
    <I18nProvider>
      <ErrorBoundary>
        <LocalizedApp />
      </ErrorBoundary>
    </I18nProvider>
  );
}
