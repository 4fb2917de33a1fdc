// The frame around every page: side menu (only what the user may open),
// header with live-connection status, language switch and the user menu.
import { useMemo, useState, type ReactNode } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { Badge, Button, Dropdown, Layout, Menu, Space, Tooltip, Typography, type MenuProps } from 'antd';
import {
  ApartmentOutlined,
  AppstoreOutlined,
  BarChartOutlined,
  BranchesOutlined,
  CalculatorOutlined,
  ClusterOutlined,
  FileSearchOutlined,
  NotificationOutlined,
  PhoneOutlined,
  SoundOutlined,
  StopOutlined,
  SwapOutlined,
  ApiOutlined,
  IdcardOutlined,
  NodeIndexOutlined,
  AuditOutlined,
  CustomerServiceOutlined,
  DashboardOutlined,
  LogoutOutlined,
  SafetyOutlined,
  TeamOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { useI18n } from '../i18n';
import { useAuth } from '../auth/AuthProvider';
import { useSocketStatus } from '../ws/EventsProvider';
import { LangSwitch } from '../components/LangSwitch';
import { GROUPS, visiblePages } from './routes';

const icons: Record<string, ReactNode> = {
  desktop: <CustomerServiceOutlined />,
  wallboard: <DashboardOutlined />,
  users: <UserOutlined />,
  departments: <ApartmentOutlined />,
  roles: <SafetyOutlined />,
  audit: <AuditOutlined />,
  webhooks: <ApiOutlined />,
  queues: <ClusterOutlined />,
  agents: <IdcardOutlined />,
  flows: <BranchesOutlined />,
  blacklist: <StopOutlined />,
  notices: <NotificationOutlined />,
  extensions: <PhoneOutlined />,
  trunks: <SwapOutlined />,
  dids: <NodeIndexOutlined />,
  dialrules: <NodeIndexOutlined />,
  recordings: <SoundOutlined />,
  myrecordings: <SoundOutlined />,
  cdrs: <FileSearchOutlined />,
  reports: <BarChartOutlined />,
  staffing: <CalculatorOutlined />,
};

const statusColor = { open: 'success', connecting: 'processing', reconnecting: 'warning', idle: 'default', stopped: 'default' } as const;

export function AppLayout({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const { me, logout } = useAuth();
  const status = useSocketStatus();
  const nav = useNavigate();
  const loc = useLocation();
  const [collapsed, setCollapsed] = useState(false);

  const pages = useMemo(() => visiblePages(me?.permissions ?? []), [me]);
  const items = useMemo<MenuProps['items']>(() => {
    const toItem = (p: (typeof pages)[number]) => ({ key: p.path, icon: icons[p.key] ?? <AppstoreOutlined />, label: t(p.label) });
    const out: NonNullable<MenuProps['items']> = pages.filter((p) => p.group === 'work').map(toItem);
    for (const g of GROUPS) {
      if (g === 'work') continue;
      const inGroup = pages.filter((p) => p.group === g);
      if (inGroup.length) out.push({ type: 'group', key: g, label: t(`menu.group.${g}` as 'menu.group.admin'), children: inGroup.map(toItem) });
    }
    return out;
  }, [pages, t]);

  const selected = pages.map((p) => p.path).filter((k) => loc.pathname.startsWith(k));

  const name = me?.user.display_name || me?.user.username || '';

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider
        collapsible
        collapsed={collapsed}
        onCollapse={setCollapsed}
        width={200}
        breakpoint="lg"
        theme="light"
        style={{ borderRight: '1px solid #f0f0f0' }}
      >
        <div style={{ height: 48, display: 'flex', alignItems: 'center', justifyContent: 'center' }}>
          <Typography.Text strong style={{ fontSize: collapsed ? 14 : 18 }}>
            {collapsed ? 'hj' : t('app.name')}
          </Typography.Text>
        </div>
        <nav aria-label={t('menu.label')} style={{ overflowY: 'auto', maxHeight: 'calc(100vh - 96px)' }}>
          <Menu mode="inline" items={items} selectedKeys={selected} onClick={(e) => nav(e.key)} />
        </nav>
      </Layout.Sider>
      <Layout>
        <Layout.Header
          style={{
            background: '#fff',
            padding: '0 16px',
            height: 48,
            lineHeight: '48px',
            display: 'flex',
            justifyContent: 'flex-end',
            borderBottom: '1px solid #f0f0f0',
          }}
        >
          <Space size="middle">
            <Tooltip title={t('ws.tooltip')}>
              <span data-testid="ws-status">
                <Badge status={statusColor[status]} text={t(`ws.${status}`)} />
              </span>
            </Tooltip>
            <LangSwitch />
            <Dropdown
              menu={{
                items: [{ key: 'logout', icon: <LogoutOutlined />, label: t('header.logout') }],
                onClick: () => void logout(),
              }}
            >
              <Button type="text" icon={<TeamOutlined />} aria-label={t('header.userMenu', { name })}>
                {name}
              </Button>
            </Dropdown>
          </Space>
        </Layout.Header>
        {/* antd renders Content as <main>. */}
        <Layout.Content style={{ padding: 16, minWidth: 0 }}>
          {children}
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
