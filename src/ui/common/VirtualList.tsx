import type { ComponentChildren, JSX } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';

interface VirtualListProps {
  count: number;
  rowHeight: number;
  renderRow: (index: number) => ComponentChildren;
  /** Width of the scrolled content; rows are absolutely placed so they cannot size it. */
  contentWidth?: string;
  overscan?: number;
  class?: string;
  role?: JSX.AriaRole;
  label?: string;
  onKeyDown?: (e: JSX.TargetedKeyboardEvent<HTMLDivElement>) => void;
  /** Index to bring into view when it changes. */
  scrollToIndex?: number | null;
  /** 'nearest' (default): scroll just enough (keyboard moves); 'center': put the row mid-view (jumping to a search hit). */
  scrollAlign?: 'nearest' | 'center';
  tabIndex?: number;
  /** Take the focus when shown (opened from a search hit: the button that had it is gone). */
  autoFocus?: boolean;
}

/**
 * Renders only the rows in view (plus a margin), so a tree of thousands of
 * entries or a file of tens of thousands of lines stays smooth.
 */
export function VirtualList(props: VirtualListProps) {
  const { count, rowHeight, overscan = 12 } = props;
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setHeight(el.clientHeight);
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  useLayoutEffect(() => {
    if (props.autoFocus) ref.current?.focus({ preventScroll: true });
  }, []);

  useLayoutEffect(() => {
    const el = ref.current;
    const i = props.scrollToIndex;
    if (!el || i === null || i === undefined) return;
    const top = i * rowHeight;
    if (props.scrollAlign === 'center') el.scrollTop = Math.max(0, top - (el.clientHeight - rowHeight) / 2);
    else if (top < el.scrollTop) el.scrollTop = top;
    else if (top + rowHeight > el.scrollTop + el.clientHeight) el.scrollTop = top + rowHeight - el.clientHeight;
  }, [props.scrollToIndex, props.scrollAlign, rowHeight]);

  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(count, Math.ceil((scrollTop + height) / rowHeight) + overscan);
  const rows: ComponentChildren[] = [];
  for (let i = first; i < last; i++) {
    rows.push(
      <div key={i} class="vrow" style={{ top: `${i * rowHeight}px`, height: `${rowHeight}px` }}>
        {props.renderRow(i)}
      </div>,
    );
  }

  return (
    <div
      ref={ref}
      class={`vlist ${props.class ?? ''}`}
      role={props.role}
      aria-label={props.label}
      tabIndex={props.tabIndex}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      onKeyDown={props.onKeyDown}
    >
      <div class="vlist-inner" style={{ height: `${count * rowHeight}px`, minWidth: props.contentWidth }}>
        {rows}
      </div>
    </div>
  );
}
