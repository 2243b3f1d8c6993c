/**
 * Per-family prompt facts the local engines share: which family a model id
 * belongs to, the tool-call syntax its chat template expects, the tokens that
 * end its turn, and the message list to feed its chat template.
 *
 * Tool syntax by family, from each model's own chat template / model card:
 *   qwen2.5, qwen2.5-coder, qwen3: the template's tools section asks for
 *     `<tool_call>{"name", "arguments"}</tool_call>` (hermes) and renders
 *     results as `<tool_response>` in a user turn.
 *   llama-3.2: the template asks for `{"name", "parameters"}` JSON (llama3);
 *     results go in an `ipython` turn, which only its own template knows.
 *   smollm2: trained on `<tool_call>[{"name", "arguments"}, ...]</tool_call>`
 *     (its function-calling instructions); the hermes parser reads that array form.
 *   phi-3.5, chatml (anything else): no tool template; hermes is the
 *     best-known syntax and is taught by the system prompt.
 *   starcoder, deepseek-coder, codellama: completion (FIM) families; no tools.
 */
import type { ChatMessage, ToolSpec } from '../providers/types';
import { flattenContent, IMAGE_OMITTED_NOTE, toolMessagesToText, toolsSystemPrompt, type ToolCallFormat } from './tool-calls';

export { familyForModelId, type ModelFamily } from './model-family';

/** The tool-call syntax to teach and parse for a family (see the table at the top). */
export function toolFormatFor(family: string): ToolCallFormat {
  switch (family) {
    case 'llama-3.2':
      return 'llama3';
    case 'starcoder':
    case 'deepseek-coder':
    case 'codellama':
      return 'none';
    default:
      return 'hermes';
  }
}

/** Tokens (as text) that end an assistant turn: stop strings for engines that need them. */
export function endOfTurnTokens(family: string): string[] {
  switch (family) {
    case 'llama-3.2':
      return ['<|eot_id|>', '<|eom_id|>', '<|end_of_text|>'];
    case 'phi-3.5':
      return ['<|end|>', '<|endoftext|>'];
    case 'starcoder':
      return ['<|endoftext|>'];
    case 'deepseek-coder':
      return ['<|EOT|>', '<｜end▁of▁sentence｜>'];
    case 'codellama':
      return ['</s>'];
    default: // ChatML: qwen*, smollm2, chatml
      return ['<|im_end|>', '<|endoftext|>'];
  }
}

/** A chat message whose content is plain text, as chat templates take it. */
export type TextChatMessage = Omit<ChatMessage, 'content'> & { content: string };

export interface TemplateOptions {
  /**
   * The engine passes `tools` to a template that renders them itself (web-llm's
   * Hermes builds, a transformers.js template with a `tools` variable): tool
   * calls and tool messages are kept as they are and nothing is folded in.
   */
  nativeTools?: boolean;
}

/**
 * The message list an engine feeds to its chat template. Without native tools:
 * the tool list goes at the end of the system prompt (`toolsSystemPrompt`),
 * past calls and results become text turns (`toolMessagesToText`), so no
 * `tool` role or `tool_calls` is left. Always: content parts are flattened to
 * text, images replaced by a note, `reasoning_content` dropped (templates do
 * not take past reasoning back).
 */
export function messagesForTemplate(
  messages: ChatMessage[],
  tools: ToolSpec[] | undefined,
  family: string,
  options: TemplateOptions = {},
): TextChatMessage[] {
  const format = toolFormatFor(family);
  const converted = options.nativeTools ? messages : toolMessagesToText(messages, format);
  const out = converted.map(toTextMessage);

  const toolsPrompt = options.nativeTools ? '' : toolsSystemPrompt(tools ?? [], format);
  if (toolsPrompt === '') return out;
  const first = out[0];
  if (first?.role === 'system') {
    const system = first.content.trimEnd();
    return [{ ...first, content: system === '' ? toolsPrompt : `${system}\n\n${toolsPrompt}` }, ...out.slice(1)];
  }
  return [{ role: 'system', content: toolsPrompt }, ...out];
}

function toTextMessage(message: ChatMessage): TextChatMessage {
  const { reasoning_content: _reasoning, content, ...rest } = message;
  return { ...rest, content: flattenContent(content) };
}

export { flattenContent, IMAGE_OMITTED_NOTE };
