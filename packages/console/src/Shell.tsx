import {
  AuditOutlined,
  ClusterOutlined,
  DashboardOutlined,
  SettingOutlined,
  TeamOutlined,
  TrophyOutlined,
  UploadOutlined,
} from '@ant-design/icons';
import { Button, Layout, Menu, Space, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { useI18n } from './i18n.tsx';
import type { MessageKey } from './i18n-dictionary.ts';
import { useSession } from './session.tsx';

/** The frame of every page: navigation (only pages that exist and the role may open), who is logged in, language. */
export function Shell({ children }: { children: ReactNode }) {
  const { t, lang, setLang } = useI18n();
  const { me, can, logout } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const items = [
    { key: '/', icon: <DashboardOutlined />, label: t('nav.overview') },
    { key: '/customers', icon: <TeamOutlined />, label: t('nav.customers') },
    { key: '/segments', icon: <ClusterOutlined />, label: t('nav.segments') },
    { key: '/rankings', icon: <TrophyOutlined />, label: t('nav.rankings') },
    { key: '/imports', icon: <UploadOutlined />, label: t('nav.imports') },
    { key: '/settings', icon: <SettingOutlined />, label: t('nav.settings') },
    ...(can('audit.read') ? [{ key: '/audit', icon: <AuditOutlined />, label: t('nav.audit') }] : []),
  ];
  const selected = items
    .map((i) => i.key)
    .filter((k) => (k === '/' ? location.pathname === '/' : location.pathname.startsWith(k)));
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider width={208} theme="light" style={{ borderRight: '1px solid #f0f0f0' }}>
        <div style={{ padding: '20px 24px', fontWeight: 600, fontSize: 16 }}>Hatchery</div>
        <Menu mode="inline" selectedKeys={selected} items={items} onClick={(e) => navigate(e.key)} />
      </Layout.Sider>
      <Layout>
        <Layout.Header
          style={{
            background: '#fff',
            display: 'flex',
            justifyContent: 'space-between',
            alignItems: 'center',
            borderBottom: '1px solid #f0f0f0',
            padding: '0 24px',
          }}
        >
          <Typography.Text strong>{me.workspace.name}</Typography.Text>
          <Space>
            <span data-testid="whoami">{me.operator?.display_name ?? me.role}</span>
            <Tag color="orange">{t(`role.${me.role}` as MessageKey)}</Tag>
            <Button size="small" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}>
              {t('lang.switch')}
            </Button>
            <Button size="small" onClick={logout}>
              {t('logout')}
            </Button>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: 24 }}>{children}</Layout.Content>
      </Layout>
    </Layout>
  );
}
