import { Spin } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { api, type Me } from './api.ts';
import { AuditPage } from './pages/Audit.tsx';
import { CustomerPage } from './pages/Customer360.tsx';
import { CustomersPage } from './pages/Customers.tsx';
import { ImportsPage } from './pages/Imports.tsx';
import { LoginPage } from './pages/Login.tsx';
import { OverviewPage } from './pages/Overview.tsx';
import { RankingsPage } from './pages/Rankings.tsx';
import { SegmentsPage } from './pages/Segments.tsx';
import { SettingsPage } from './pages/Settings.tsx';
import { Shell } from './Shell.tsx';
import { SessionProvider } from './session.tsx';

/** Asks the server who is logged in; without a session, every path shows the login page. */
export function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  useEffect(() => {
    // Any failure to say who is logged in shows the login page, which reports its own errors.
    api<Me>('/v1/session').then(setMe, () => setMe(null));
  }, []);
  const logout = useCallback(() => {
    void api('/v1/session', { method: 'DELETE' }).finally(() => setMe(null));
  }, []);
  // After a settings change that the session carries (the workspace's name or time zone).
  const refresh = useCallback(() => {
    api<Me>('/v1/session').then(setMe, () => undefined);
  }, []);
  if (me === undefined) {
    return <Spin fullscreen />;
  }
  if (me === null) {
    return <LoginPage onLoggedIn={setMe} />;
  }
  return (
    <SessionProvider value={{ me, logout, refresh }}>
      <Shell>
        <Routes>
          <Route path="/" element={<OverviewPage />} />
          <Route path="/customers" element={<CustomersPage />} />
          <Route path="/customers/:id" element={<CustomerPage />} />
          <Route path="/imports" element={<ImportsPage />} />
          <Route path="/rankings" element={<RankingsPage />} />
          <Route path="/segments" element={<SegmentsPage />} />
          <Route path="/settings" element={<SettingsPage />} />
          {me.permissions.includes('audit.read') && <Route path="/audit" element={<AuditPage />} />}
          <Route path="*" element={<Navigate to="/" replace />} />
        </Routes>
      </Shell>
    </SessionProvider>
  );
}
