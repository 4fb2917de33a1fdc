// Catches a page that throws while rendering, so one broken page never blanks
// the whole console; the user can retry or go on elsewhere.
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { Button } from 'antd';
import { Notice } from './Notice';
import { useT } from '../i18n';

function Fallback({ error, onRetry }: { error: Error; onRetry: () => void }) {
  const t = useT();
  return (
    <Notice
      type="error"
      title={t('boundary.title')}
      description={error.message}
      actions={
        <>
          <Button type="primary" onClick={onRetry}>
            {t('boundary.retry')}
          </Button>
          <Button onClick={() => window.location.reload()}>{t('boundary.reload')}</Button>
        </>
      }
    />
  );
}

interface Props {
  children: ReactNode;
}

interface State {
  error: Error | null;
}

export class ErrorBoundary extends Component<Props, State> {
  state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  componentDidCatch(error: Error, info: ErrorInfo): void {
    // Kept visible in the browser console for whoever debugs it.
    console.warn('hujiao: page failed', error, info.componentStack);
  }

  render() {
    if (this.state.error) return <Fallback error={this.state.error} onRetry={() => this.setState({ error: null })} />;
    return this.props.children;
  }
}
