import { Alert, Button, Empty, Spin } from 'antd';
import type { ReactNode } from 'react';
import { useI18n } from '../i18n.tsx';
import type { Loaded } from '../use-api.ts';

/** Loading, error (with retry), empty, or the content: every page and card goes through this. */
export function AsyncView<T>({
  loaded,
  isEmpty,
  children,
}: {
  loaded: Loaded<T>;
  isEmpty?: (data: T) => boolean;
  children: (data: T) => ReactNode;
}) {
  const { t, describeError } = useI18n();
  if (loaded.state === 'loading') {
    return (
      <div style={{ padding: 48, textAlign: 'center' }} data-testid="loading">
        <Spin description={t('state.loading')}>
          <div style={{ height: 40 }} />
        </Spin>
      </div>
    );
  }
  if (loaded.state === 'error') {
    return (
      <Alert
        type="error"
        showIcon
        title={t('state.error')}
        description={describeError(loaded.error)}
        action={<Button onClick={loaded.retry}>{t('state.retry')}</Button>}
      />
    );
  }
  if (isEmpty?.(loaded.data)) {
    return <Empty description={t('state.empty')} />;
  }
  return <>{children(loaded.data)}</>;
}
