import { describe, expect, it } from 'vitest';
import { applyDecision, checkConfirmation, defaultRules, globMatches, NO_PERMISSIONS, type ChatPermissions } from './confirmation';
import { BUILTIN_TOOLS } from './tools/index';

const call = (id: string, name: string, args = '{}') => ({ id, type: 'function' as const, function: { name, arguments: args } });
const rules = defaultRules(BUILTIN_TOOLS);
const check = (calls: ReturnType<typeof call>[], permissions: ChatPermissions = NO_PERMISSIONS, r = rules) =>
  checkConfirmation({ tool_calls: calls, tools: BUILTIN_TOOLS, rules: r, permissions });

describe('checkConfirmation', () => {
  it('asks for writes, rm, mv and shell commands by default, never for reads', () => {
    expect(rules.ask).toEqual(['create_textdoc', 'update_textdoc', 'update_textdoc_by_lines', 'update_textdoc_regex', 'rm', 'mv', 'shell']);
    const result = check([call('1', 'cat'), call('2', 'update_textdoc'), call('3', 'rm'), call('4', 'tree')]);
    expect(result).toEqual({
      pause: true,
      pause_reasons: [
        { type: 'confirmation', command: 'update_textdoc', rule: 'update_textdoc', tool_call_id: '2', integr_config_path: null },
        { type: 'confirmation', command: 'rm', rule: 'rm', tool_call_id: '3', integr_config_path: null },
      ],
    });
    expect(check([call('1', 'cat'), call('2', 'search_pattern')])).toEqual({ pause: false, pause_reasons: [] });
  });

  it('automatic patch passes edits but still asks for rm and mv', () => {
    const result = check([call('1', 'update_textdoc'), call('2', 'create_textdoc'), call('3', 'mv')], { automaticPatch: true, allowedForChat: [] });
    expect(result.pause_reasons.map((r) => r.command)).toEqual(['mv']);
  });

  it('remembers "allow for this chat" per command', () => {
    const first = check([call('1', 'rm')]);
    const permissions = applyDecision(NO_PERMISSIONS, first.pause_reasons, 'allow-chat');
    expect(permissions).toEqual({ automaticPatch: false, allowedForChat: ['rm'] });
    expect(check([call('2', 'rm'), call('3', 'mv')], permissions).pause_reasons.map((r) => r.command)).toEqual(['mv']);
    expect(applyDecision(NO_PERMISSIONS, first.pause_reasons, 'allow-once')).toBe(NO_PERMISSIONS);
  });

  it('denies by rule, and never pauses calls that cannot run anyway', () => {
    const result = check([call('1', 'rm'), call('2', 'update_textdoc', '{bad'), call('3', 'no_such_tool')], NO_PERMISSIONS, { ask: [], deny: ['r*'] });
    expect(result.pause_reasons).toEqual([{ type: 'denial', command: 'rm', rule: 'r*', tool_call_id: '1', integr_config_path: null }]);
  });

  it('matches globs over the whole command', () => {
    expect(globMatches('update_textdoc*', 'update_textdoc_regex')).toBe(true);
    expect(globMatches('update_textdoc', 'update_textdoc_regex')).toBe(false);
    expect(globMatches('a.b', 'axb')).toBe(false);
  });
});
