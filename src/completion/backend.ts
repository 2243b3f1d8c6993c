/**
 * What every code-completion backend is given and returns. The completion
 * core (src/completion/) applies Refact's rules (when to complete, cache,
 * cuts), cuts the prefix and suffix to the prompt budget and gathers AST
 * context; a backend only puts that into its wire or prompt format and
 * returns the raw text the model wrote. Post-processing (stops, cuts,
 * repeated-suffix trimming) happens once, in the core, for every backend.
 */
import type { CodeCompletionRequest, FinishReason } from '../providers/types';

/** A definition or snippet from the AST index that helps the model, nearest to the cursor first. */
export interface ContextSnippet {
  /** Workspace-relative path of the file it comes from. */
  path: string;
  /** The signature, skeleton or body, as the model should read it. */
  text: string;
  /** The symbol it defines, when it is one (for the UI and dedup). */
  symbol?: string;
}

/** One completion to compute: the cursor's file around the cursor, already cut to the budget. */
export interface FimInput {
  /** The original request (Refact servers take it as is). */
  request: CodeCompletionRequest;
  /** Workspace-relative path of the file. */
  path: string;
  /** The workspace's name (Qwen2.5-Coder's `<|repo_name|>`). */
  repoName: string;
  /** Text before the cursor (the cursor line's left part included), cut to the budget from the top. */
  prefix: string;
  /** Text after the cursor, cut to the budget from the bottom. */
  suffix: string;
  /** AST context, within its own token budget. */
  context: ContextSnippet[];
  multiline: boolean;
  /** Generation stops at any of these (the core cuts at them again). */
  stop: string[];
  maxTokens: number;
  temperature: number;
}

export interface RawCompletion {
  /** What the model wrote after the cursor, before post-processing. */
  text: string;
  finish_reason: FinishReason;
  /** Nothing ran: the local model is answering the chat (completion pauses meanwhile). */
  busy?: 'chat';
  /** The context snippets that made it into the prompt, when the backend dropped some. */
  context?: ContextSnippet[];
  /** Time the model itself took, when the backend can tell (local engines). */
  engineMs?: number;
}

/** A place completions come from: the llm worker, or a provider's FIM endpoint. */
export interface CompletionBackend {
  /** What the status bar shows, e.g. "Qwen2.5 Coder 0.5B (local)" or "ollama/qwen2.5-coder:1.5b". */
  readonly label: string;
  /**
   * The backend cuts the prompt with the model's own tokenizer (local models): it gets the
   * whole request and `prefix`/`suffix` are left empty.
   */
  readonly ownBudget?: boolean;
  /** Runs one completion; rejects with an AbortError-named error (or returns finish 'abort') when `signal` aborts. */
  complete(input: FimInput, signal: AbortSignal): Promise<RawCompletion>;
}
