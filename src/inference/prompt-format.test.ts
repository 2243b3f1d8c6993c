import { describe, expect, it } from 'vitest';
import type { ChatMessage, ToolSpec } from '../providers/types';
import { endOfTurnTokens, familyForModelId, messagesForTemplate, toolFormatFor } from './prompt-format';
import { createToolCallStream, toolsSystemPrompt } from './tool-calls';

describe('familyForModelId', () => {
  it.each([
    ['webllm:Qwen2.5-Coder-1.5B-Instruct-q4f16_1-MLC', 'qwen2.5-coder'],
    ['onnx-community/Qwen2.5-Coder-0.5B-Instruct', 'qwen2.5-coder'],
    ['Qwen2.5-1.5B-Instruct-q4f32_1-MLC', 'qwen2.5'],
    ['Qwen2-0.5B-Instruct', 'qwen2.5'],
    ['transformers:onnx-community/Qwen3-0.6B-ONNX', 'qwen3'],
    ['Llama-3.2-1B-Instruct-q4f16_1-MLC', 'llama-3.2'],
    ['Meta-Llama-3.1-8B-Instruct', 'llama-3.2'],
    ['Phi-3.5-mini-instruct-q4f16_1-MLC', 'phi-3.5'],
    ['HuggingFaceTB/SmolLM2-360M-Instruct', 'smollm2'],
    ['bigcode/starcoder2-3b', 'starcoder'],
    ['deepseek-ai/deepseek-coder-1.3b-base', 'deepseek-coder'],
    ['codellama/CodeLlama-7b-hf', 'codellama'],
    ['tiny-llama', 'chatml'],
    ['something-new', 'chatml'],
  ])('%s -> %s', (id, family) => {
    expect(familyForModelId(id)).toBe(family);
  });
});

describe('toolFormatFor / endOfTurnTokens', () => {
  it.each([
    ['qwen2.5-coder', 'hermes', '<|im_end|>'],
    ['qwen2.5', 'hermes', '<|im_end|>'],
    ['qwen3', 'hermes', '<|im_end|>'],
    ['smollm2', 'hermes', '<|im_end|>'],
    ['chatml', 'hermes', '<|im_end|>'],
    ['phi-3.5', 'hermes', '<|end|>'],
    ['llama-3.2', 'llama3', '<|eot_id|>'],
    ['starcoder', 'none', '<|endoftext|>'],
    ['unknown', 'hermes', '<|im_end|>'],
  ])('%s calls tools as %s and ends its turn with %s', (family, format, token) => {
    expect(toolFormatFor(family)).toBe(format);
    expect(endOfTurnTokens(family)[0]).toBe(token);
  });
});

const TOOLS: ToolSpec[] = [{ type: 'function', function: { name: 'tree', description: 'List files', parameters: { type: 'object', properties: {} } } }];

const HISTORY: ChatMessage[] = [
  { role: 'system', content: 'You are a coding assistant.' },
  {
    role: 'user',
    content: [
      { type: 'text', text: 'What files are there?' },
      { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
    ],
  },
  {
    role: 'assistant',
    content: '',
    reasoning_content: 'List them.',
    tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'tree', arguments: '{}' } }],
  },
  { role: 'tool', tool_call_id: 'call_1', content: 'a.ts\nb.ts' },
];

describe('messagesForTemplate', () => {
  it('folds tools into the system prompt and writes calls and results as text (Qwen)', () => {
    expect(messagesForTemplate(HISTORY, TOOLS, 'qwen2.5-coder')).toEqual([
      { role: 'system', content: `You are a coding assistant.\n\n${toolsSystemPrompt(TOOLS, 'hermes')}` },
      { role: 'user', content: 'What files are there?\n\n[image omitted: this local model cannot see images]' },
      { role: 'assistant', content: '<tool_call>\n{"name": "tree", "arguments": {}}\n</tool_call>' },
      { role: 'user', content: '<tool_response>\na.ts\nb.ts\n</tool_response>' },
    ]);
  });

  it("uses Llama's syntax for Llama", () => {
    const out = messagesForTemplate(HISTORY, TOOLS, 'llama-3.2');
    expect(out[0]?.content).toContain('"parameters": dictionary of argument name and its value');
    expect(out[2]?.content).toBe('{"name": "tree", "parameters": {}}');
    expect(out[3]).toEqual({ role: 'user', content: 'Output of tree:\na.ts\nb.ts' });
  });

  it('adds a system message when there is none, and nothing when there are no tools', () => {
    const user: ChatMessage[] = [{ role: 'user', content: 'hi' }];
    expect(messagesForTemplate(user, TOOLS, 'qwen3')).toEqual([
      { role: 'system', content: toolsSystemPrompt(TOOLS, 'hermes') },
      { role: 'user', content: 'hi' },
    ]);
    expect(messagesForTemplate(user, [], 'qwen3')).toEqual([{ role: 'user', content: 'hi' }]);
    expect(messagesForTemplate(user, undefined, 'qwen3')).toEqual([{ role: 'user', content: 'hi' }]);
  });

  it('leaves no tool role, tool_calls or reasoning for a template without tools', () => {
    for (const family of ['qwen2.5', 'llama-3.2', 'phi-3.5', 'smollm2', 'chatml']) {
      for (const message of messagesForTemplate(HISTORY, TOOLS, family)) {
        expect(message.role).not.toBe('tool');
        expect(message).not.toHaveProperty('tool_calls');
        expect(message).not.toHaveProperty('reasoning_content');
        expect(typeof message.content).toBe('string');
      }
    }
  });

  it('with native tools keeps calls and tool messages for the template, only flattening content', () => {
    const out = messagesForTemplate(HISTORY, TOOLS, 'qwen2.5', { nativeTools: true });
    expect(out[0]).toEqual({ role: 'system', content: 'You are a coding assistant.' });
    expect(out[2]).toEqual({ role: 'assistant', content: '', tool_calls: HISTORY[2]?.tool_calls });
    expect(out[3]).toEqual({ role: 'tool', tool_call_id: 'call_1', content: 'a.ts\nb.ts' });
  });

  it("asks for the syntax the family's stream parses", () => {
    for (const family of ['qwen2.5-coder', 'llama-3.2', 'phi-3.5']) {
      const format = toolFormatFor(family);
      const answer = format === 'llama3' ? '{"name": "tree", "parameters": {}}' : '<tool_call>\n{"name": "tree", "arguments": {}}\n</tool_call>';
      const stream = createToolCallStream({ format, idPrefix: 'c' });
      const deltas = [...stream.push(answer), ...stream.end().deltas];
      expect(deltas).toEqual([{ tool_calls: [{ index: 0, id: 'c0', type: 'function', function: { name: 'tree', arguments: '{}' } }] }]);
    }
  });
});
