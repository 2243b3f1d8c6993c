import { useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import type { CodeIndexStatus } from '../../code-index';
import { indexPhaseText } from '../app/index-progress';
import { indexStatus, loadIndexSettings, retryIndexing, saveIndexSettings, type IndexSettings } from '../../state/code-index';
import { revealInTree, showFileAt } from '../../state/files';
import { scheduleSearch, searchKind, searchQuery, searchState, startIndexing, type SearchHit, type SearchKind, type SearchState } from '../../state/search';
import { workspace } from '../../state/workspace';
import { SemanticPanel } from './SemanticPanel';

const KINDS: [SearchKind, string, string][] = [
  ['definitions', 'Definitions', 'Where a symbol is defined: a name, Class.method, or part of a name'],
  ['references', 'References', 'Where a symbol is used: calls, types, inheritance, other uses'],
  ['meaning', 'Meaning', 'Code that does what you describe in words (needs an embedding model)'],
];

/** The search box over the code index, with the index's progress and what it holds. */
export function SearchPage() {
  const input = useRef<HTMLInputElement>(null);
  const ws = workspace.value;
  useEffect(() => {
    startIndexing();
    input.current?.focus();
  }, [ws]);
  if (!ws) return <div class="page"><p class="hint">Open a folder to search its code.</p></div>;
  return (
    <div class="page search-page">
      <h1>Search code</h1>
      <form
        class="search-form"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          scheduleSearch(true);
        }}
      >
        <input
          ref={input}
          type="search"
          aria-label="Search query"
          placeholder={searchKind.value === 'meaning' ? 'What the code does: where are taxes computed' : 'A symbol: run, Cart.total, shop::tax::rate'}
          value={searchQuery.value}
          onInput={(e) => {
            searchQuery.value = e.currentTarget.value;
            scheduleSearch();
          }}
        />
        <fieldset class="segmented">
          <legend class="sr-only">Search for</legend>
          {KINDS.map(([kind, label, title]) => (
            <label key={kind} class={searchKind.value === kind ? 'active' : ''} title={title}>
              <input
                type="radio"
                name="search-kind"
                value={kind}
                checked={searchKind.value === kind}
                onChange={() => {
                  searchKind.value = kind;
                  scheduleSearch(true);
                }}
              />
              {label}
            </label>
          ))}
        </fieldset>
      </form>
      {searchKind.value === 'meaning' ? <SemanticPanel /> : <IndexSummary status={indexStatus.value} />}
      <Results />
      <IndexSettingsForm />
    </div>
  );
}

function Results() {
  const state = searchState.value;
  // Polite live region: screen readers hear "Searching…", the count or "nothing found" as they change.
  return <div aria-live="polite">{resultsOf(state)}</div>;
}

function resultsOf(state: SearchState) {
  switch (state.status) {
    case 'idle':
      return null;
    case 'searching':
      return <p class="hint">Searching…</p>;
    case 'error':
      return (
        <p class="error" role="alert">
          {state.message}
        </p>
      );
    case 'done': {
      const busy = state.pending && <span class="hint"> · searching…</span>;
      if (state.hits.length === 0) {
        return (
          <p class="hint" data-testid="search-empty">
            {state.kind === 'meaning' ? 'Nothing found for' : state.kind === 'definitions' ? 'No definition of' : 'No references to'} “{state.query}”.
            {busy}
          </p>
        );
      }
      const one = state.hits.length === 1 && !state.capped;
      const what =
        state.kind === 'definitions' ? (one ? 'definition' : 'definitions') : state.kind === 'references' ? (one ? 'reference' : 'references') : one ? 'place' : 'places, best first';
      return (
        <section aria-label="Search results">
          <p class="hint" data-testid="search-count">
            {state.hits.length}
            {state.capped ? '+' : ''} {what}
            {state.hits.some((h) => h.similar) ? ' with similar names' : ''}
            {state.capped ? ` (first ${state.hits.length} shown)` : ''}
            {busy}
          </p>
          <ul class="search-results" data-testid="search-results">
            {state.hits.map((hit, i) => (
              <HitRow key={`${i}:${hit.path}:${hit.line1}`} hit={hit} />
            ))}
          </ul>
        </section>
      );
    }
  }
}

function HitRow({ hit }: { hit: SearchHit }) {
  const open = () => {
    revealInTree(hit.path);
    showFileAt(hit.path, hit.line1);
  };
  return (
    <li>
      <button type="button" class="search-hit" onClick={open} data-testid="search-hit">
        <span class="hit-title">{hit.title}</span>
        <span class="hit-tag">{hit.tag}</span>
        <span class="hit-where">
          {hit.path}:{hit.line1 === hit.line2 ? hit.line1 : `${hit.line1}-${hit.line2}`}
        </span>
        {hit.snippet && <code class="hit-snippet">{hit.snippet}</code>}
      </button>
    </li>
  );
}

/** Progress while indexing; afterwards what the index holds and what the last pass did. */
function IndexSummary({ status }: { status: CodeIndexStatus | null }) {
  if (!status || status.state === 'starting') return <p class="hint" data-testid="index-summary">Starting the code index…</p>;
  if (status.state === 'indexing') {
    return (
      <p class="hint" data-testid="index-summary">
        {indexPhaseText(status)} files{' '}
        <progress max={Math.max(1, status.total)} value={status.done} aria-label="Code index progress" />
      </p>
    );
  }
  if (status.state === 'disposed') return null;
  if (status.state === 'error') return <IndexStopped status={status} />;
  const problems = status.skippedCount + status.errors.length;
  return (
    <div class="hint" data-testid="index-summary">
      <span>
        {status.files} files indexed · {status.definitions} definitions · {status.usages} usages
        {status.lastPassMs !== null && (
          <>
            {' '}
            · last pass {status.parsed} parsed, {status.cached} from cache in {formatMs(status.lastPassMs)}
          </>
        )}
        {status.truncated && ' · file cap reached'}
      </span>
      {problems > 0 && (
        <details>
          <summary>
            {status.skippedCount} skipped, {status.errors.length} errors
          </summary>
          <ul class="index-problems">
            {[...status.errors, ...status.skipped].map((p, i) => (
              <li key={i}>
                <code>{p.path}</code>: {p.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

/** A pass that stopped on an error: what is indexed may lack files, so results may be incomplete. */
function IndexStopped({ status }: { status: CodeIndexStatus }) {
  return (
    <div class="error" role="alert" data-testid="index-summary">
      <p>
        Code index stopped: {status.error}. Results may be incomplete ({status.files} files indexed so far).
      </p>
      <button type="button" class="secondary" onClick={() => void retryIndexing().catch(() => undefined)}>
        Index again
      </button>
    </div>
  );
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** The index's limits: how many files, and whether ignored folders (node_modules...) count. */
function IndexSettingsForm() {
  const settings = useSignal<IndexSettings | null>(null);
  const note = useSignal<string | null>(null);
  const saving = useSignal(false);
  useEffect(() => {
    void loadIndexSettings().then((loaded) => (settings.value = loaded));
  }, []);
  const current = settings.value;
  if (!current) return null;
  return (
    <details class="card index-settings">
      <summary>Index settings</summary>
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          note.value = null;
          saving.value = true;
          saveIndexSettings(current).then(
            () => {
              saving.value = false;
              note.value = 'Saved; the index is updating.';
            },
            (error: unknown) => {
              saving.value = false;
              note.value = error instanceof Error ? error.message : String(error);
            },
          );
        }}
      >
        <label class="field">
          Index at most
          <input
            type="number"
            min={1}
            step={1}
            aria-label="Maximum files to index"
            value={current.maxFiles}
            onInput={(e) => {
              const n = Number(e.currentTarget.value);
              if (Number.isInteger(n) && n > 0) settings.value = { ...current, maxFiles: n };
            }}
          />
          files
        </label>
        <label>
          <input
            type="checkbox"
            checked={current.includeIgnored}
            onChange={(e) => (settings.value = { ...current, includeIgnored: e.currentTarget.checked })}
          />{' '}
          Also index ignored files (node_modules, .gitignore’d folders)
        </label>
        <button type="submit" class="secondary" disabled={saving.value}>
          Save
        </button>
      </form>
      {note.value && <p class="hint">{note.value}</p>}
    </details>
  );
}
