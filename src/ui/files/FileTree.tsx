import { useComputed, useSignal } from '@preact/signals';
import type { JSX } from 'preact';
import { VirtualList } from '../common/VirtualList';
import { expanded, openFile, selectedPath, toggleDir, treeRows, type TreeRow } from '../../state/files';
import { parentPath } from '../../workspace/paths';

const ROW_HEIGHT = 24;

/** The lazy file tree: directories load when first expanded; keyboard works like a native tree. */
export function FileTree() {
  const rows = treeRows.value;
  const focus = useSignal(0);
  const focusIndex = useComputed(() => Math.min(focus.value, Math.max(0, treeRows.value.length - 1)));

  const activate = (row: TreeRow) => {
    if (row.kind === 'directory') toggleDir(row.path);
    else if (row.kind === 'file') void openFile(row.path);
  };

  const onKeyDown = (e: JSX.TargetedKeyboardEvent<HTMLDivElement>) => {
    const i = focusIndex.value;
    const row = rows[i];
    if (!row) return;
    const isOpen = row.kind === 'directory' && expanded.value.has(row.path);
    switch (e.key) {
      case 'ArrowDown':
        focus.value = Math.min(rows.length - 1, i + 1);
        break;
      case 'ArrowUp':
        focus.value = Math.max(0, i - 1);
        break;
      case 'Home':
        focus.value = 0;
        break;
      case 'End':
        focus.value = rows.length - 1;
        break;
      case 'ArrowRight':
        if (row.kind === 'directory' && !isOpen) toggleDir(row.path);
        else focus.value = Math.min(rows.length - 1, i + 1);
        break;
      case 'ArrowLeft':
        if (isOpen) toggleDir(row.path);
        else {
          const parent = rows.findIndex((r) => r.path === parentPath(row.path));
          if (parent >= 0) focus.value = parent;
        }
        break;
      case 'Enter':
      case ' ':
        activate(row);
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  return (
    <VirtualList
      class="file-tree"
      role="tree"
      label="Files"
      tabIndex={0}
      count={rows.length}
      rowHeight={ROW_HEIGHT}
      scrollToIndex={focusIndex.value}
      onKeyDown={onKeyDown}
      renderRow={(i) => {
        const row = rows[i]!;
        if (row.kind === 'status') {
          return (
            <div class={`tree-row tree-${row.note}`} style={{ paddingLeft: `${8 + row.depth * 14}px` }} role="none">
              {row.name}
            </div>
          );
        }
        const isDir = row.kind === 'directory';
        const isOpen = isDir && expanded.value.has(row.path);
        return (
          <div
            class={`tree-row${selectedPath.value === row.path ? ' selected' : ''}${focusIndex.value === i ? ' focused' : ''}`}
            role="treeitem"
            aria-level={row.depth + 1}
            aria-expanded={isDir ? isOpen : undefined}
            aria-selected={selectedPath.value === row.path}
            data-path={row.path}
            title={row.path}
            style={{ paddingLeft: `${8 + row.depth * 14}px` }}
            onClick={() => {
              focus.value = i;
              activate(row);
            }}
          >
            <span class="tree-twisty" aria-hidden="true">
              {isDir ? (isOpen ? '▾' : '▸') : ''}
            </span>
            <span class={isDir ? 'tree-dir' : 'tree-file'}>{row.name}</span>
          </div>
        );
      }}
    />
  );
}
