import { Alert, Progress, Typography } from 'antd';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { api } from '../../api.ts';
import { useI18n } from '../../i18n.tsx';
import { runStepName, type ScoringRun } from '../../scores.ts';

const POLL_MS = 500;

/** Follows a scoring run until it ends; `onDone` is called once when it finishes well. */
function useScoringRun(runId: number, onDone: () => void) {
  const { describeError } = useI18n();
  const [run, setRun] = useState<ScoringRun | null>(null);
  const [error, setError] = useState<string | null>(null);
  const done = useRef(onDone);
  done.current = onDone;
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = () =>
      api<ScoringRun>(`/v1/scoring-runs/${runId}`).then(
        (r) => {
          if (!live) {
            return;
          }
          setRun(r);
          if (r.status === 'running') {
            timer = setTimeout(poll, POLL_MS);
          } else if (r.status === 'done') {
            done.current();
          }
        },
        (e: unknown) => live && setError(describeError(e)),
      );
    void poll();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [runId, describeError]);
  const status = run?.status ?? 'running';
  const percent = status === 'done' ? 100 : Math.round((run?.progress ?? 0) * 100);
  return { run, error, status, percent };
}

/**
 * A scoring run followed to its end: progress, the step it is on, why it failed; `done` is shown
 * once it has finished well (after `onDone`).
 */
export function ScoringRunProgress({
  runId,
  onDone,
  done,
}: {
  runId: number;
  onDone: () => void;
  done: ReactNode;
}) {
  const { t, lang } = useI18n();
  const { run, error, status, percent } = useScoringRun(runId, onDone);
  return (
    <>
      <Progress
        percent={percent}
        status={status === 'failed' ? 'exception' : status === 'done' ? 'success' : 'active'}
      />
      {run && status === 'running' && (
        <Typography.Text type="secondary">
          {t('settings.runStep', { step: runStepName(run.step, lang) })}
        </Typography.Text>
      )}
      {error && <Alert type="error" showIcon title={error} />}
      {status === 'failed' && (
        <Alert type="error" showIcon title={t('settings.runFailed', { reason: run?.failure ?? '' })} />
      )}
      {status === 'done' && done}
    </>
  );
}
