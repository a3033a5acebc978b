import { Alert, Button, Card, Form, Input } from 'antd';
import { useState } from 'react';
import { ApiError, api, type Me } from '../api.ts';
import { useI18n } from '../i18n.tsx';

type Fields = { workspace: string; login: string; password: string };

export function LoginPage({ onLoggedIn }: { onLoggedIn: (me: Me) => void }) {
  const { t, lang, setLang, describeError } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = (fields: Fields) => {
    setBusy(true);
    setError(null);
    api<Me>('/v1/session', { method: 'POST', body: JSON.stringify(fields) }).then(
      onLoggedIn,
      (e: unknown) => {
        // At the login, "unauthorized" means the brand, login or password is wrong.
        setError(
          e instanceof ApiError && e.code === 'unauthorized' ? t('login.badCredentials') : describeError(e),
        );
        setBusy(false);
      },
    );
  };
  return (
    <div style={{ minHeight: '100vh', display: 'grid', placeItems: 'center', background: '#fafafa' }}>
      <Card
        title={t('login.title')}
        style={{ width: 400 }}
        extra={
          <Button size="small" type="link" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}>
            {t('lang.switch')}
          </Button>
        }
      >
        {error && (
          <Alert
            type="error"
            showIcon
            title={t('login.failed')}
            description={error}
            style={{ marginBottom: 16 }}
          />
        )}
        <Form<Fields> layout="vertical" initialValues={{ workspace: 'demo' }} onFinish={submit}>
          <Form.Item name="workspace" label={t('login.workspace')} rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item name="login" label={t('login.login')} rules={[{ required: true }]}>
            <Input autoComplete="username" />
          </Form.Item>
          <Form.Item name="password" label={t('login.password')} rules={[{ required: true }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy}>
            {t('login.submit')}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
