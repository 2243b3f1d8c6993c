/**
 * Refact's /v1/code-completion request and response as the completion core
 * takes and gives them (../shared/docs/REFACT-IDE-PROTOCOL.md, "Code
 * completion"): the editor in the tab calls it, and later an IDE host over
 * the host protocol. Lines and characters are 0-based; characters count
 * UTF-16 units (as CodeMirror and VS Code do; Refact's engine counts
 * Unicode scalar values).
 */
import type { CodeCompletionRequest, CodeCompletionResponse } from '../providers/types';

export interface CompletionRequest extends CodeCompletionRequest {
  /** Skip the cache (a manual request, Alt+Space); the temperature is raised too. */
  no_cache?: boolean;
  /** Add definitions of the symbols near the cursor from the AST index (default true). */
  use_ast?: boolean;
  /** Token budget for that context (default a quarter of the prompt). */
  rag_tokens_n?: number;
  /** Who asks ("editor", "vscode"): reported back, not used. */
  client?: string;
}

/** Why a request got no completion without asking a model. */
export type SkipReason =
  | 'right-of-cursor' // more than closing punctuation right of the cursor
  | 'too-large' // the document is over the size limit
  | 'paused' // the user switched completion off
  | 'busy' // the local model is answering the chat
  | 'no-model'; // no completion model is chosen or ready

export interface CompletionResponse extends CodeCompletionResponse {
  model: string;
  /** Refact's id for acceptance telemetry; ours stays in the tab. */
  snippet_telemetry_id: number;
  /** Seconds since the epoch. */
  created: number;
  /** Answered from the prefix cache. */
  cached?: boolean;
  /** The AST context that went into the prompt, nearest first. */
  context?: { file_name: string; symbol?: string }[];
  /** Set when no model was asked, with why. */
  skipped?: SkipReason;
  /** Milliseconds in the backend (model and transport), in the model alone when known, and in all. */
  timings?: { backendMs: number; engineMs?: number; totalMs: number };
}
