/**
 * The reset dialog the chat opens from a user message's reset button: what a
 * restore to that message's checkpoint would change (added / modified /
 * deleted, a unified diff per text file), then the restore with a progress
 * bar, a result summary, and "Undo restore".
 *
 *   <CheckpointDialog workspace={ws} checkpoint={message.checkpoint}
 *     onRestored={(report) => truncateChatAt(message)} onClose={close} />
 */
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { Workspace } from '../../workspace/types';
import { previewCheckpoints, restoreCheckpoints } from '../index';
import type { Checkpoint, CheckpointPreview, FileChange, RestoreProgress, RestoreReport } from '../types';
import './checkpoints.css';

export interface CheckpointApi {
  preview: typeof previewCheckpoints;
  restore: typeof restoreCheckpoints;
}

export interface CheckpointDialogProps {
  workspace: Workspace;
  checkpoint: Checkpoint;
  /** After a restore ran (complete or stopped part-way): e.g. truncate the chat at the message. */
  onRestored?: (report: RestoreReport) => void;
  /** After "Undo restore" ran. */
  onUndone?: (report: RestoreReport) => void;
  onClose: () => void;
  /** Defaults to the real engine; tests and other hosts may stand in their own. */
  api?: CheckpointApi;
}

type Stage =
  | { kind: 'loading' }
  | { kind: 'preview'; preview: CheckpointPreview }
  | { kind: 'running'; what: 'restore' | 'undo'; progress: RestoreProgress | null }
  | { kind: 'done'; what: 'restore' | 'undo'; report: RestoreReport }
  | { kind: 'error'; message: string };

const ACTION_LABEL: Record<FileChange['action'], string> = {
  added: 'restored',
  modified: 'reverted',
  deleted: 'removed',
};

const MAX_DIFF_LINES = 2000;

export function CheckpointDialog(props: CheckpointDialogProps) {
  const { workspace, checkpoint, onClose } = props;
  const api = props.api ?? { preview: previewCheckpoints, restore: restoreCheckpoints };
  const stage = useSignal<Stage>({ kind: 'loading' });

  useEffect(() => {
    let live = true;
    api.preview(workspace, [checkpoint]).then(
      (preview) => live && (stage.value = { kind: 'preview', preview }),
      (error: unknown) => live && (stage.value = { kind: 'error', message: messageOf(error) }),
    );
    return () => {
      live = false;
    };
  }, [workspace, checkpoint.commit_hash]);

  const run = async (what: 'restore' | 'undo', target: Checkpoint) => {
    stage.value = { kind: 'running', what, progress: null };
    try {
      const report = await api.restore(workspace, [target], (progress) => {
        stage.value = { kind: 'running', what, progress };
      });
      stage.value = { kind: 'done', what, report };
      (what === 'restore' ? props.onRestored : props.onUndone)?.(report);
    } catch (error) {
      stage.value = { kind: 'error', message: messageOf(error) };
    }
  };

  const s = stage.value;
  return (
    <div class="ckpt-backdrop" onClick={(e) => e.target === e.currentTarget && s.kind !== 'running' && onClose()}>
      <div class="ckpt-dialog" role="dialog" aria-modal="true" aria-labelledby="ckpt-title">
        <header class="ckpt-head">
          <h2 id="ckpt-title">Reset files to this checkpoint</h2>
          <span class="ckpt-hash" title={checkpoint.commit_hash}>
            {checkpoint.commit_hash.slice(0, 10)}
          </span>
        </header>
        {s.kind === 'loading' && <p class="ckpt-muted">Comparing the folder with the checkpoint…</p>}
        {s.kind === 'error' && (
          <p class="ckpt-error" role="alert">
            {s.message}
          </p>
        )}
        {s.kind === 'preview' && <PreviewBody preview={s.preview} />}
        {s.kind === 'running' && <ProgressBody what={s.what} progress={s.progress} />}
        {s.kind === 'done' && <ResultBody what={s.what} report={s.report} />}
        <footer class="ckpt-actions">
          {s.kind === 'preview' && (
            <button
              type="button"
              class="primary"
              disabled={changedFiles(s.preview).length === 0}
              onClick={() => void run('restore', s.preview.checkpoint)}
            >
              Restore
            </button>
          )}
          {s.kind === 'done' && s.what === 'restore' && (
            <button type="button" onClick={() => void run('undo', s.report.checkpoints_for_undo[0]!)}>
              Undo restore
            </button>
          )}
          <button type="button" disabled={s.kind === 'running'} onClick={onClose}>
            {s.kind === 'preview' || s.kind === 'loading' ? 'Cancel' : 'Close'}
          </button>
        </footer>
      </div>
    </div>
  );
}

function changedFiles(preview: CheckpointPreview): FileChange[] {
  return preview.reverted_changes.flatMap((r) => r.files_changed);
}

function PreviewBody({ preview }: { preview: CheckpointPreview }) {
  const files = changedFiles(preview);
  const count = (action: FileChange['action']) => files.filter((f) => f.action === action).length;
  return (
    <div class="ckpt-body">
      <p class="ckpt-muted">
        Checkpoint from {new Date(preview.reverted_to).toLocaleString()}.{' '}
        {files.length === 0
          ? 'The folder already matches it.'
          : `${files.length} file${files.length === 1 ? '' : 's'} will change: ` +
            `${count('modified')} reverted, ${count('added')} restored, ${count('deleted')} removed. ` +
            'The current state is saved first, so the restore can be undone.'}
      </p>
      <ul class="ckpt-files" aria-label="Files the restore changes">
        {files.map((file) => (
          <FileRow key={file.relative_path} file={file} />
        ))}
      </ul>
      {preview.untouched.length > 0 && (
        <p class="ckpt-warn">
          Left as they are (not in the checkpoint or too large to save):{' '}
          {preview.untouched.map((u) => u.path).join(', ')}
        </p>
      )}
    </div>
  );
}

function FileRow({ file }: { file: FileChange }) {
  return (
    <li class="ckpt-file" data-action={file.action}>
      <details>
        <summary>
          <span class={`ckpt-badge ckpt-${file.action}`} title={`will be ${ACTION_LABEL[file.action]}`}>
            {file.action === 'added' ? 'A' : file.action === 'modified' ? 'M' : 'D'}
          </span>
          <span class="ckpt-path">{file.relative_path}</span>
          <span class="ckpt-muted ckpt-what">{ACTION_LABEL[file.action]}</span>
        </summary>
        {file.diff ? <DiffView diff={file.diff} /> : <p class="ckpt-muted ckpt-note">{file.note ?? 'No diff.'}</p>}
      </details>
    </li>
  );
}

function DiffView({ diff }: { diff: string }) {
  const lines = diff.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const shown = lines.slice(0, MAX_DIFF_LINES);
  const kind = (line: string) =>
    line.startsWith('+++') || line.startsWith('---')
      ? 'meta'
      : line.startsWith('@@')
        ? 'hunk'
        : line.startsWith('+')
          ? 'add'
          : line.startsWith('-')
            ? 'del'
            : line.startsWith('\\')
              ? 'meta'
              : 'ctx';
  return (
    <pre class="ckpt-diff">
      {shown.map((line, i) => (
        <span key={i} class={`ckpt-line ckpt-${kind(line)}`}>
          {line.replace(/\r$/, '␍') + '\n'}
        </span>
      ))}
      {lines.length > shown.length && <span class="ckpt-line ckpt-meta">… {lines.length - shown.length} more lines</span>}
    </pre>
  );
}

function ProgressBody({ what, progress }: { what: 'restore' | 'undo'; progress: RestoreProgress | null }) {
  const label =
    progress === null || progress.phase === 'saving-undo'
      ? 'Saving the current state so this can be undone…'
      : progress.phase === 'restoring'
        ? `${what === 'undo' ? 'Undoing' : 'Restoring'} ${Math.min(progress.done + 1, progress.total)} of ${progress.total}` +
          (progress.path ? `: ${progress.path}` : '')
        : progress.phase === 'verifying'
          ? 'Checking every file against the checkpoint…'
          : 'Done.';
  const value = progress?.phase === 'restoring' ? progress.done : progress?.phase === 'saving-undo' || !progress ? 0 : 1;
  const max = progress?.phase === 'restoring' ? Math.max(progress.total, 1) : 1;
  return (
    <div class="ckpt-body">
      <progress class="ckpt-progress" value={value} max={max} aria-label={label} />
      <p class="ckpt-muted" aria-live="polite">
        {label}
      </p>
    </div>
  );
}

function ResultBody({ what, report }: { what: 'restore' | 'undo'; report: RestoreReport }) {
  const total = report.restored.length + report.failed.length + report.not_restored.length;
  return (
    <div class="ckpt-body" role="status">
      {report.complete ? (
        <p class="ckpt-ok">
          {what === 'undo' ? 'Undone: ' : ''}
          {total === 0 ? 'Nothing needed to change.' : `${report.restored.length} file${report.restored.length === 1 ? '' : 's'} restored`}
          {report.verified ? ' and verified: the folder matches the checkpoint.' : '.'}
        </p>
      ) : (
        <>
          <p class="ckpt-error">
            Stopped after {report.restored.length} of {total} changes. Nothing is lost: the state before the{' '}
            {what === 'undo' ? 'undo' : 'restore'} is saved as checkpoint {report.undo.commit_hash.slice(0, 10)}.
          </p>
          <ul class="ckpt-files">
            {report.failed.map((f) => (
              <li key={f.path} class="ckpt-file">
                <span class="ckpt-badge ckpt-deleted">!</span> <span class="ckpt-path">{f.path}</span>: {f.reason}
              </li>
            ))}
          </ul>
          {report.not_restored.length > 0 && (
            <p class="ckpt-muted">Not restored: {report.not_restored.map((f) => f.path).join(', ')}</p>
          )}
        </>
      )}
      {report.error_log.length > 0 && report.complete && <p class="ckpt-warn">{report.error_log.join(' ')}</p>}
    </div>
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
