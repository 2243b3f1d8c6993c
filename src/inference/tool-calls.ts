/**
 * Tool calls for local models without native tool calling: they write calls as
 * text in their chat template's own format, and we turn that text into the
 * OpenAI-style deltas every other provider produces.
 *
 *   hermes (Qwen2.5, Qwen3, Hermes, SmolLM2):
 *     <tool_call>\n{"name": "...", "arguments": {...}}\n</tool_call>   (several in a row allowed;
 *     SmolLM2's `<tool_call>[{...}, {...}]</tool_call>` array form is accepted too)
 *   llama3 (Llama 3.x):
 *     <|python_tag|>{"name": "...", "parameters": {...}}   or the bare object at the start of the answer
 *   none: no tool calls, only `<think>` handling.
 *
 * Every format also splits a leading `<think>…</think>` (Qwen3, R1 distills) into
 * `reasoning_content`.
 *
 * Streaming arguments: a call's header delta `{index, id, type, function: {name, arguments: ''}}`
 * goes out as soon as the name is known and the arguments object begins, and the
 * arguments' raw JSON text then streams as it arrives, so a long `create_textdoc`
 * shows progress at local-model speeds. Arguments that are not streamable (they
 * come before the name, are a JSON-encoded string, or sit in an array) go out in
 * one delta when the call completes. Concatenating a call's `arguments` fragments
 * always gives its final arguments text.
 *
 * Malformed calls never throw. They come out as ordinary tool calls whose
 * `function.arguments` is the raw text the model wrote (never a valid JSON
 * object) and whose `function.name` is the name when it could be read, else ''.
 * Each one is also listed in `stream.malformed` with the parse error and the
 * sentence to send back. The chat loop needs nothing special: it runs
 * `parseToolCallArguments` on every call (remote models can write bad JSON too)
 * and returns its `error` as the tool result.
 */
import type { ChatDelta, ChatMessage, ContentPart, ToolCall, ToolSpec } from '../providers/types';

export type ToolCallFormat = 'hermes' | 'llama3' | 'none';

export interface ToolCallStreamOptions {
  format: ToolCallFormat;
  /** Call ids are `idPrefix + index`; default `call_<random>_`, unique per stream. */
  idPrefix?: string;
  /** The generation prompt already opened `<think>` (Qwen3 / R1 templates), so output starts as reasoning. */
  startInThinking?: boolean;
}

/** A tool call the model wrote that could not be read as `{name, arguments: {...}}`. */
export interface MalformedToolCall {
  index: number;
  id: string;
  /** The name when it could be read, else ''. */
  name: string;
  /** Exactly what was emitted as `function.arguments`: the model's raw text. */
  arguments: string;
  /** What was wrong, e.g. the JSON parser's message. */
  error: string;
  /** The tool result to send back so the model can correct itself. */
  feedback: string;
}

export interface ToolCallStreamEnd {
  deltas: ChatDelta[];
  /** 'tool_calls' when at least one call (well-formed or not) was emitted. */
  finishReason: 'stop' | 'tool_calls';
  malformed: MalformedToolCall[];
}

export interface ToolCallStream {
  /** Feeds the next piece of model text; returns the deltas it completes. */
  push(textDelta: string): ChatDelta[];
  /** The model stopped: flushes held text and unterminated blocks. */
  end(): ToolCallStreamEnd;
  readonly malformed: readonly MalformedToolCall[];
}

/**
 * Creates the streaming transformer. Text that might be the start of a tag
 * ("<tool_" at the end of a delta) is held back until the next delta decides;
 * at `end()` whatever is still held comes out as content.
 *
 * @example
 * const stream = createToolCallStream({ format: 'hermes' });
 * for await (const text of modelText) for (const delta of stream.push(text)) send(delta);
 * const { deltas, finishReason } = stream.end();
 */
export function createToolCallStream(options: ToolCallStreamOptions): ToolCallStream {
  return new ToolCallParser(options);
}

/** The sentence the chat loop sends back for a call whose arguments are not valid JSON. */
export function invalidArgumentsFeedback(error: string): string {
  return `tool call arguments were not valid JSON: ${error}; call it again with valid JSON`;
}

/**
 * Parses a tool call's `function.arguments` (from any provider). '' means no
 * arguments. On failure `error` is the sentence to return to the model.
 */
export function parseToolCallArguments(
  argumentsText: string,
): { ok: true; value: Record<string, unknown> } | { ok: false; error: string } {
  if (argumentsText.trim() === '') return { ok: true, value: {} };
  let value: unknown;
  try {
    value = JSON.parse(argumentsText);
  } catch (e) {
    return { ok: false, error: invalidArgumentsFeedback(errorMessage(e)) };
  }
  if (!isPlainObject(value)) {
    return { ok: false, error: invalidArgumentsFeedback(`expected a JSON object, got ${jsonKind(value)}`) };
  }
  return { ok: true, value };
}

// ---------------------------------------------------------------------------
// The parser

const THINK_OPEN = '<think>';
const THINK_CLOSE = '</think>';
const HERMES_OPEN = '<tool_call>';
const HERMES_CLOSE = '</tool_call>';
const PYTHON_TAG = '<|python_tag|>';

type Mode =
  /** Before any non-space output, or right after a think block or a call. */
  | { kind: 'lead'; thinkAllowed: boolean; afterCall: boolean }
  | { kind: 'text' }
  | { kind: 'think' }
  | { kind: 'call'; block: CallBlock };

class ToolCallParser implements ToolCallStream {
  private readonly format: ToolCallFormat;
  private readonly idPrefix: string;
  private mode: Mode;
  private pending = '';
  private out: ChatDelta[] = [];
  private nextIndex = 0;
  private readonly malformedCalls: MalformedToolCall[] = [];
  private readonly content = new TrimmedSegment((text) => this.emit({ content: text }));
  private readonly reasoning = new TrimmedSegment((text) => this.emit({ reasoning_content: text }));
  private ended = false;

  constructor(options: ToolCallStreamOptions) {
    this.format = options.format;
    this.idPrefix = options.idPrefix ?? `call_${randomId()}_`;
    this.mode = options.startInThinking ? { kind: 'think' } : { kind: 'lead', thinkAllowed: true, afterCall: false };
  }

  get malformed(): readonly MalformedToolCall[] {
    return this.malformedCalls;
  }

  push(textDelta: string): ChatDelta[] {
    if (this.ended) throw new Error('createToolCallStream: push() after end()');
    this.pending += textDelta;
    this.process(false);
    return this.takeOutput();
  }

  end(): ToolCallStreamEnd {
    if (this.ended) throw new Error('createToolCallStream: end() called twice');
    this.process(true);
    this.ended = true;
    return {
      deltas: this.takeOutput(),
      finishReason: this.nextIndex > 0 ? 'tool_calls' : 'stop',
      malformed: [...this.malformedCalls],
    };
  }

  private takeOutput(): ChatDelta[] {
    const out = this.out;
    this.out = [];
    return out;
  }

  /** Consumes `pending` as far as it can be decided; with `final`, all of it. */
  private process(final: boolean): void {
    for (;;) {
      const before = this.pending.length;
      const modeBefore = this.mode;
      this.step(final);
      if (this.pending.length === before && this.mode === modeBefore) break;
    }
    if (final) {
      this.content.close();
      this.reasoning.close();
    }
  }

  private step(final: boolean): void {
    switch (this.mode.kind) {
      case 'lead':
        return this.stepLead(this.mode, final);
      case 'text':
        return this.stepText(final);
      case 'think':
        return this.stepThink(final);
      case 'call':
        return this.stepCall(this.mode.block, final);
    }
  }

  private stepLead(mode: Extract<Mode, { kind: 'lead' }>, final: boolean): void {
    // Whitespace (and Llama's ';' between calls) before a tag is not content.
    const skip = mode.afterCall && this.format === 'llama3' ? /^[\s;]+/ : /^\s+/;
    this.pending = this.pending.replace(skip, '');
    if (this.pending === '') return;

    const openers: [string, () => void][] = [];
    if (mode.thinkAllowed) openers.push([THINK_OPEN, () => (this.mode = { kind: 'think' })]);
    if (this.format === 'hermes') openers.push([HERMES_OPEN, () => this.startCall('tagged', 'tag')]);
    if (this.format === 'llama3') openers.push([PYTHON_TAG, () => this.startCall('json', 'tag')]);
    for (const [tag, open] of openers) {
      if (this.pending.startsWith(tag)) {
        this.pending = this.pending.slice(tag.length);
        this.content.close();
        open();
        return;
      }
      if (!final && tag.startsWith(this.pending)) return; // wait for more
    }
    if (this.format !== 'none' && this.pending.startsWith('{')) {
      // A bare JSON object opening the answer: Llama's native form, and what small Qwens write when they forget the tags.
      this.startCall('json', 'bare');
      return;
    }
    this.mode = { kind: 'text' };
  }

  private stepText(final: boolean): void {
    const tag = this.format === 'hermes' ? HERMES_OPEN : this.format === 'llama3' ? PYTHON_TAG : null;
    if (tag === null) {
      this.content.write(this.pending);
      this.pending = '';
      return;
    }
    const at = this.pending.indexOf(tag);
    if (at >= 0) {
      this.content.write(this.pending.slice(0, at));
      this.content.close();
      this.pending = this.pending.slice(at + tag.length);
      this.startCall(tag === HERMES_OPEN ? 'tagged' : 'json', 'tag');
      return;
    }
    const held = final ? 0 : partialTagLength(this.pending, tag);
    this.content.write(this.pending.slice(0, this.pending.length - held));
    this.pending = this.pending.slice(this.pending.length - held);
  }

  private stepThink(final: boolean): void {
    const at = this.pending.indexOf(THINK_CLOSE);
    if (at >= 0) {
      this.reasoning.write(this.pending.slice(0, at));
      this.reasoning.close();
      this.pending = this.pending.slice(at + THINK_CLOSE.length);
      this.mode = { kind: 'lead', thinkAllowed: false, afterCall: false };
      return;
    }
    const held = final ? 0 : partialTagLength(this.pending, THINK_CLOSE);
    this.reasoning.write(this.pending.slice(0, this.pending.length - held));
    this.pending = this.pending.slice(this.pending.length - held);
  }

  private startCall(kind: CallBlock['kind'], origin: CallBlock['origin']): void {
    this.mode = { kind: 'call', block: new CallBlock(kind, origin, this.callSink) };
  }

  private stepCall(block: CallBlock, final: boolean): void {
    const consumed = block.consume(this.pending, final);
    this.pending = this.pending.slice(consumed);
    if (!block.done && !final) return;
    const leftover = block.finish();
    if (leftover !== null) {
      // A bare JSON object that was not a call after all: it was the answer.
      this.content.write(leftover);
      this.mode = { kind: 'text' };
      return;
    }
    this.mode = { kind: 'lead', thinkAllowed: false, afterCall: true };
  }

  /** What call blocks use to emit; indices and ids are handed out in emission order. */
  private readonly callSink: CallSink = {
    open: (name, argumentsText) => {
      const index = this.nextIndex++;
      const id = `${this.idPrefix}${index}`;
      this.emit({ tool_calls: [{ index, id, type: 'function', function: { name, arguments: argumentsText } }] });
      return { index, id };
    },
    appendArguments: (index, text) => {
      if (text !== '') this.emit({ tool_calls: [{ index, function: { arguments: text } }] });
    },
    malformed: (call) => {
      this.malformedCalls.push({ ...call, feedback: malformedFeedback(call.error, call.name) });
    },
  };

  /** Appends a delta, merging it into the previous one when they are the same kind. */
  private emit(delta: ChatDelta): void {
    const last = this.out.at(-1);
    if (last !== undefined) {
      if (delta.content !== undefined && last.content !== undefined && last.tool_calls === undefined) {
        last.content += delta.content;
        return;
      }
      if (delta.reasoning_content !== undefined && last.reasoning_content !== undefined) {
        last.reasoning_content += delta.reasoning_content;
        return;
      }
      const next = delta.tool_calls?.[0];
      const prev = last.tool_calls?.at(-1);
      if (next !== undefined && prev !== undefined && next.index === prev.index && next.id === undefined) {
        prev.function = { ...prev.function, arguments: (prev.function?.arguments ?? '') + (next.function?.arguments ?? '') };
        return;
      }
    }
    this.out.push(delta);
  }
}

function malformedFeedback(error: string, name: string): string {
  if (name === '') return `tool call could not be read (${error}); call it again as {"name": <tool name>, "arguments": <JSON object>}`;
  return invalidArgumentsFeedback(error);
}

/** Length of the longest suffix of `text` that is a proper prefix of `tag`. */
function partialTagLength(text: string, tag: string): number {
  const max = Math.min(tag.length - 1, text.length);
  for (let n = max; n > 0; n--) {
    if (tag.startsWith(text.slice(text.length - n))) return n;
  }
  return 0;
}

/**
 * A run of content or reasoning between structure (tags, calls, start, end):
 * whitespace at its two ends is dropped, so "Let me check.\n\n<tool_call>" shows
 * as "Let me check." Trailing whitespace is held until more text proves it inner.
 */
class TrimmedSegment {
  private open = false;
  private heldSpace = '';

  constructor(private readonly emit: (text: string) => void) {}

  write(text: string): void {
    if (!this.open) {
      text = text.replace(/^\s+/, '');
      if (text === '') return;
      this.open = true;
    }
    const all = this.heldSpace + text;
    let end = all.length;
    while (end > 0 && /\s/.test(all[end - 1] ?? '')) end--;
    this.heldSpace = all.slice(end);
    if (end > 0) this.emit(all.slice(0, end));
  }

  close(): void {
    this.open = false;
    this.heldSpace = '';
  }
}

// ---------------------------------------------------------------------------
// One call block: the text after `<tool_call>` / `<|python_tag|>`, or a bare object

interface CallSink {
  open(name: string, argumentsText: string): { index: number; id: string };
  appendArguments(index: number, text: string): void;
  malformed(call: Omit<MalformedToolCall, 'feedback'>): void;
}

/** A top-level JSON value being scanned inside a block, with what we learnt of its keys. */
interface TopValue {
  text: string;
  isObject: boolean;
  /** Where the scanner is among the object's own (depth-1) members. */
  phase: 'key' | 'colon' | 'value' | 'in-value' | 'after-value';
  /** The depth-1 string being read (key or string value), JSON-quoted, or null. */
  capture: string | null;
  key: string | null;
  valueKey: string | null;
  valueIsScalar: boolean;
  name: string | null;
  /** The streamed call, once its header went out. */
  call: { index: number; id: string } | null;
  /** Arguments text streamed so far (only while/after streaming). */
  argsText: string;
  argsStreaming: boolean;
  argsComplete: boolean;
  /** Streamed text not yet handed to the sink. */
  argsUnsent: string;
}

class CallBlock {
  /** Whether the block ended on its own (closing tag, or the JSON value closed). */
  done = false;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private value: TopValue | null = null;
  /** Text outside any top-level value (a call written as not-JSON, code fences...). */
  private stray = '';
  private sawValue = false;
  /** A bare object that turned out not to be a call: it is content. */
  private contentLeftover: string | null = null;

  constructor(
    /** 'tagged' ends at `</tool_call>` outside JSON strings; 'json' when its first JSON value closes. */
    readonly kind: 'tagged' | 'json',
    /** 'bare' objects that do not look like a call are content. */
    readonly origin: 'tag' | 'bare',
    private readonly sink: CallSink,
  ) {}

  /** Scans `text`; returns how many characters belong to this block (the closing tag included). */
  consume(text: string, final: boolean): number {
    let i = 0;
    for (; i < text.length && !this.done; i++) {
      const ch = text[i] ?? '';
      if (this.kind === 'tagged' && !this.inString && ch === '<') {
        if (text.startsWith(HERMES_CLOSE, i)) {
          this.done = true;
          i += HERMES_CLOSE.length;
          break;
        }
        if (!final && HERMES_CLOSE.startsWith(text.slice(i))) break; // maybe the closing tag: wait
      }
      this.scan(ch);
    }
    this.flushArguments();
    return i;
  }

  private scan(ch: string): void {
    const v = this.value;
    if (v === null) {
      // Outside any JSON value: not JSON, so quotes mean nothing here.
      if (ch === '{' || ch === '[') {
        this.value = newTopValue(ch === '{');
        this.sawValue = true;
        this.depth = 1;
      } else {
        this.stray += ch;
      }
      return;
    }
    if (this.inString) {
      if (this.escaped) this.escaped = false;
      else if (ch === '\\') this.escaped = true;
      else if (ch === '"') this.inString = false;
      this.addToValue(v, ch);
      if (!this.inString && v.capture !== null) this.endDepth1String(v);
      return;
    }
    this.addToValue(v, ch);
    const atMembers = this.depth === 1 && v.isObject;
    if (/\s/.test(ch)) {
      if (atMembers && v.phase === 'in-value' && v.valueIsScalar) this.endMemberValue(v);
      return;
    }
    switch (ch) {
      case '"':
        this.inString = true;
        if (atMembers && v.phase === 'key') v.capture = '"';
        else if (atMembers && v.phase === 'value') this.startMemberValue(v, false, '"');
        break;
      case '{':
      case '[':
        if (atMembers && v.phase === 'value') this.startMemberValue(v, ch === '{', ch);
        this.depth++;
        break;
      case '}':
      case ']':
        this.depth--;
        if (this.depth === 1 && v.isObject && v.phase === 'in-value') this.endMemberValue(v);
        if (this.depth === 0) {
          if (v.isObject && v.phase === 'in-value') this.endMemberValue(v);
          this.completeValue(v);
        }
        break;
      case ':':
        if (atMembers && v.phase === 'colon') v.phase = 'value';
        break;
      case ',':
        if (atMembers) {
          if (v.phase === 'in-value') this.endMemberValue(v);
          v.phase = 'key';
        }
        break;
      default:
        if (atMembers && v.phase === 'value') this.startMemberValue(v, false, null);
    }
  }

  /** Called before the character's structural meaning is applied (so openers are added by start*). */
  private addToValue(v: TopValue, ch: string): void {
    v.text += ch;
    if (v.capture !== null) v.capture += ch;
    if (v.argsStreaming && !v.argsComplete) {
      v.argsText += ch;
      v.argsUnsent += ch;
    }
  }

  private endDepth1String(v: TopValue): void {
    const decoded = decodeJsonString(v.capture ?? '""');
    v.capture = null;
    if (v.phase === 'key') {
      v.key = decoded;
      v.phase = 'colon';
    } else if (v.phase === 'in-value') {
      if (v.valueKey === 'name' && decoded !== null) v.name = decoded;
      v.phase = 'after-value';
    }
  }

  /** A member value begins with `first` (already added to the value's text). */
  private startMemberValue(v: TopValue, isObject: boolean, first: string | null): void {
    v.phase = 'in-value';
    v.valueKey = v.key;
    v.valueIsScalar = first === null;
    if (first === '"') v.capture = '"';
    const isArguments = v.valueKey === 'arguments' || v.valueKey === 'parameters';
    if (isArguments && isObject && v.name !== null && v.call === null) {
      v.call = this.sink.open(v.name, '');
      v.argsStreaming = true;
      v.argsText = first ?? '';
      v.argsUnsent = first ?? '';
    }
  }

  private endMemberValue(v: TopValue): void {
    if (v.argsStreaming && !v.argsComplete) {
      v.argsComplete = true;
      this.flushArguments();
    }
    v.phase = 'after-value';
  }

  private flushArguments(): void {
    const v = this.value;
    if (v?.call && v.argsUnsent !== '') {
      this.sink.appendArguments(v.call.index, v.argsUnsent);
      v.argsUnsent = '';
    }
  }

  private completeValue(v: TopValue): void {
    this.flushArguments();
    this.value = null;
    this.settle(v, true);
    if (this.kind === 'json') this.done = true;
  }

  /**
   * Ends the block: an unfinished value is settled as it stands. Returns text
   * that belongs to the answer (a bare object that was not a call), else null.
   */
  finish(): string | null {
    const v = this.value;
    if (v !== null) {
      this.flushArguments();
      this.value = null;
      this.settle(v, false);
    } else if (!this.sawValue && this.stray.trim() !== '') {
      const raw = this.stray.trim();
      if (this.origin === 'bare') return raw;
      this.emitMalformed(readNameLoosely(raw), raw, parseErrorOf(raw) ?? 'expected a JSON object {"name": ..., "arguments": {...}}');
    }
    return this.contentLeftover;
  }

  /** Turns one top-level value into calls (or content, for bare non-calls). */
  private settle(v: TopValue, complete: boolean): void {
    const raw = v.text.trim();
    let parsed: unknown;
    let parseError: string | null = null;
    try {
      parsed = JSON.parse(raw);
    } catch (e) {
      parseError = complete ? errorMessage(e) : `the call ended before its JSON was complete (${errorMessage(e)})`;
    }

    if (v.call !== null) {
      // Header and (some) arguments already went out; only validity is left to decide.
      if (v.argsComplete && isPlainObject(tryParse(v.argsText))) return;
      const error = v.argsComplete ? (parseErrorOf(v.argsText) ?? 'arguments must be a JSON object') : (parseError ?? 'arguments were cut off');
      this.sink.malformed({ index: v.call.index, id: v.call.id, name: v.name ?? '', arguments: v.argsText, error });
      return;
    }

    if (parseError === null) {
      if (this.origin === 'bare' && !looksLikeCall(parsed)) {
        this.contentLeftover = (this.contentLeftover ?? '') + raw;
        return;
      }
      const items = Array.isArray(parsed) ? parsed : [parsed];
      for (const item of items) this.emitParsedCall(item, Array.isArray(parsed) ? JSON.stringify(item) : raw);
      return;
    }
    if (this.origin === 'bare' && !/^\{\s*"name"\s*:/.test(raw)) {
      this.contentLeftover = (this.contentLeftover ?? '') + raw;
      return;
    }
    this.emitMalformed(v.name ?? readNameLoosely(raw), raw, parseError);
  }

  private emitParsedCall(item: unknown, raw: string): void {
    if (!isPlainObject(item)) {
      this.emitMalformed('', raw, `expected a JSON object {"name": ..., "arguments": {...}}, got ${jsonKind(item)}`);
      return;
    }
    const name = typeof item['name'] === 'string' ? item['name'] : '';
    if (name === '') {
      this.emitMalformed('', raw, 'the call has no "name"');
      return;
    }
    const args = 'arguments' in item ? item['arguments'] : item['parameters'];
    if (args === undefined) {
      this.sink.open(name, '{}');
      return;
    }
    if (isPlainObject(args)) {
      this.sink.open(name, JSON.stringify(args));
      return;
    }
    if (typeof args === 'string') {
      // Some models JSON-encode the arguments a second time.
      const inner = tryParse(args);
      if (isPlainObject(inner)) {
        this.sink.open(name, JSON.stringify(inner));
        return;
      }
      this.emitMalformed(name, args, parseErrorOf(args) ?? `expected a JSON object, got ${jsonKind(inner)}`);
      return;
    }
    this.emitMalformed(name, JSON.stringify(args), `expected a JSON object, got ${jsonKind(args)}`);
  }

  private emitMalformed(name: string, rawArguments: string, error: string): void {
    const { index, id } = this.sink.open(name, rawArguments);
    this.sink.malformed({ index, id, name, arguments: rawArguments, error });
  }
}

function newTopValue(isObject: boolean): TopValue {
  return {
    text: isObject ? '{' : '[',
    isObject,
    phase: 'key',
    capture: null,
    key: null,
    valueKey: null,
    valueIsScalar: false,
    name: null,
    call: null,
    argsText: '',
    argsStreaming: false,
    argsComplete: false,
    argsUnsent: '',
  };
}

function looksLikeCall(value: unknown): boolean {
  return isPlainObject(value) && typeof value['name'] === 'string' && ('parameters' in value || 'arguments' in value);
}

function readNameLoosely(raw: string): string {
  const match = /"name"\s*:\s*("(?:[^"\\]|\\.)*")/.exec(raw);
  return (match?.[1] !== undefined ? decodeJsonString(match[1]) : null) ?? '';
}

function decodeJsonString(quoted: string): string | null {
  const value = tryParse(quoted);
  return typeof value === 'string' ? value : null;
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function parseErrorOf(text: string): string | null {
  try {
    JSON.parse(text);
    return null;
  } catch (e) {
    return errorMessage(e);
  }
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value === undefined) return 'nothing';
  return `a ${typeof value}`;
}

function randomId(): string {
  const bytes = new Uint8Array(6);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(36).padStart(2, '0')).join('');
}

// ---------------------------------------------------------------------------
// Teaching the format, and rendering past calls back into it

/**
 * The instruction that teaches a model without native tools to call them in
 * `format`. hermes is Qwen2.5's own template text (tools serialised the way its
 * template's `tojson` does); llama3 is Llama 3.x's. '' for 'none' or no tools.
 * Goes at the end of the system prompt, after a blank line.
 */
export function toolsSystemPrompt(tools: ToolSpec[], format: ToolCallFormat): string {
  if (tools.length === 0 || format === 'none') return '';
  if (format === 'llama3') {
    return (
      'You have access to the following functions. To call a function, please respond with JSON for a function call. ' +
      'Respond in the format {"name": function name, "parameters": dictionary of argument name and its value}. ' +
      'Do not use variables.\n\n' +
      tools.map((tool) => templateJson(tool, 4)).join('\n\n')
    );
  }
  return (
    '# Tools\n\nYou may call one or more functions to assist with the user query.\n\n' +
    'You are provided with function signatures within <tools></tools> XML tags:\n<tools>\n' +
    tools.map((tool) => templateJson(tool)).join('\n') +
    '\n</tools>\n\n' +
    'For each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n' +
    '<tool_call>\n{"name": <function-name>, "arguments": <args-json-object>}\n</tool_call>'
  );
}

/**
 * Rewrites assistant tool calls and tool results as plain text turns in the
 * model's format, for chat templates that cannot take them natively:
 *   hermes: the assistant turn gets `<tool_call>` blocks after its text; a run
 *     of tool results becomes one user turn of `<tool_response>` blocks (what
 *     Qwen's template renders for role "tool").
 *   llama3: the calls as `{"name", "parameters"}` lines; each result as a user
 *     turn that names the function it answers.
 * Other messages pass through unchanged. 'none' renders like hermes.
 */
export function toolMessagesToText(messages: ChatMessage[], format: ToolCallFormat = 'hermes'): ChatMessage[] {
  const callNames = new Map<string, string>();
  const out: ChatMessage[] = [];
  let resultsTurn: string[] | null = null;
  const closeResults = (): void => {
    if (resultsTurn !== null) out.push({ role: 'user', content: resultsTurn.join(format === 'llama3' ? '\n\n' : '\n') });
    resultsTurn = null;
  };

  for (const message of messages) {
    if (message.role === 'tool') {
      resultsTurn ??= [];
      const result = flattenContent(message.content);
      if (format === 'llama3') {
        const name = callNames.get(message.tool_call_id ?? '') ?? 'the function';
        resultsTurn.push(`Output of ${name}:\n${result}`);
      } else {
        resultsTurn.push(`<tool_response>\n${result}\n</tool_response>`);
      }
      continue;
    }
    closeResults();
    if (message.role === 'assistant' && message.tool_calls !== undefined && message.tool_calls.length > 0) {
      for (const call of message.tool_calls) callNames.set(call.id, call.function.name);
      const calls = message.tool_calls.map((call) => renderCall(call, format));
      const text = flattenContent(message.content);
      const { tool_calls: _calls, ...rest } = message;
      out.push({ ...rest, content: (text === '' ? '' : `${text}\n`) + calls.join('\n') });
      continue;
    }
    out.push(message);
  }
  closeResults();
  return out;
}

function renderCall(call: ToolCall, format: ToolCallFormat): string {
  // Valid arguments are re-serialised like the template would; anything else goes back verbatim.
  const parsed = tryParse(call.function.arguments);
  const args = isPlainObject(parsed) ? templateJson(parsed) : call.function.arguments.trim() || '{}';
  const name = JSON.stringify(call.function.name);
  if (format === 'llama3') return `{"name": ${name}, "parameters": ${args}}`;
  return `<tool_call>\n{"name": ${name}, "arguments": ${args}}\n</tool_call>`;
}

export const IMAGE_OMITTED_NOTE = '[image omitted: this local model cannot see images]';

/** A message's text: parts joined by blank lines, each image replaced by a note the model can see. */
export function flattenContent(content: string | ContentPart[] | null): string {
  if (content === null) return '';
  if (typeof content === 'string') return content;
  return content.map((part) => (part.type === 'text' ? part.text : IMAGE_OMITTED_NOTE)).join('\n\n');
}

/**
 * JSON the way the chat templates' `tojson` (Python's json.dumps) writes it:
 * ", " and ": " separators, or `indent` spaces per level. Models saw this form
 * in training.
 */
export function templateJson(value: unknown, indent?: number): string {
  if (indent !== undefined) return JSON.stringify(value, null, indent);
  if (Array.isArray(value)) return `[${value.map((item) => templateJson(item ?? null)).join(', ')}]`;
  if (isPlainObject(value)) {
    const members = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${JSON.stringify(k)}: ${templateJson(v)}`);
    return `{${members.join(', ')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
