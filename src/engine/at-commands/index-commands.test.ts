import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgentIndexPort } from '../../code-index/agent-port';
import { createCodeIndex } from '../../code-index/code-index';
import { nodeGrammarLocator } from '../../code-index/test-support';
import type { CodeIndex } from '../../code-index/types';
import { createAstPool, type AstPool } from '../../code-index/worker-pool';
import { freshIndexedDb } from '../../storage/test-support';
import { inProcess } from '../../worker-api/connect';
import { createAstService } from '../../../workers/ast.service';
import { memoryWorkspace } from '../test-support/workspace';
import { atCommandCompletion, atCommandPreview } from './index';
import type { AtCommandContext } from './types';

/*
 * The index @-commands over a real tree-sitter index (the AST service
 * in-process, real grammars, fake-indexeddb), as the chat's composer runs them.
 */

const FILES: Record<string, string> = {
  'shop/cart.py': ['from shop.tax import rate', '', 'class Cart:', '    def total(self):', '        return self.subtotal() * rate()', '', '    def subtotal(self):', '        return 1', ''].join('\n'),
  'shop/tax.py': ['def rate():', '    return 2', ''].join('\n'),
  'README.md': '# shop\n',
};

let pool: AstPool;
let index: CodeIndex;
let ctx: AtCommandContext;

beforeEach(async () => {
  await freshIndexedDb();
  pool = createAstPool({ size: 1, spawn: () => inProcess(createAstService({ locate: nodeGrammarLocator() })) });
  const { workspace } = await memoryWorkspace(FILES, 'shop');
  index = createCodeIndex(workspace, { pool, persist: false, watch: false });
  await index.whenIdle();
  const port = createAgentIndexPort(index);
  ctx = { workspace, index: { definitions: port.definitions, references: port.references, skeleton: (path) => port.skeleton(path) } };
});

afterEach(() => {
  index.dispose();
  pool.dispose();
});

describe('index @-commands', () => {
  it('offers @definition and @references once there is an index, and --ast after @tree', async () => {
    expect((await atCommandCompletion('@', 1, ctx)).completions).toEqual(['@file ', '@tree ', '@definition ', '@references ']);
    expect(await atCommandCompletion('@tree --a', 9, ctx)).toEqual({ completions: ['--ast '], replace: [6, 9], is_cmd_executable: true });
  });

  it('@definition attaches the symbol body; @references the lines that use it', async () => {
    const preview = await atCommandPreview('@definition Cart.total\n@references rate', ctx);
    expect(preview.highlight.map((h) => h.ok)).toEqual([true, true]);
    const files = preview.messages[0]?.content;
    expect(files).toEqual([
      { file_name: 'shop/cart.py', file_content: '    def total(self):\n        return self.subtotal() * rate()\n', line1: 4, line2: 5 },
      expect.objectContaining({ file_name: 'shop/cart.py', line1: 5, line2: 5 }),
    ]);
  });

  it('@tree --ast adds each file\u2019s outline after the tree; plain @tree does not', async () => {
    const withAst = await atCommandPreview('@tree --ast', ctx);
    expect(withAst.highlight).toEqual([expect.objectContaining({ pos1: 0, pos2: 11, ok: true })]);
    const text = String(withAst.messages[0]?.content);
    expect(text).toContain('Symbols (AST):\nshop/cart.py\n  class Cart');
    expect(text).toMatch(/ {4}def total\(self\)\s+L4-5/);
    expect(text).toContain('shop/tax.py\n  def rate()');
    const plain = await atCommandPreview('@tree', ctx);
    expect(String(plain.messages[0]?.content)).not.toContain('Symbols');
  });
});
