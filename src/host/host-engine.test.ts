import { afterEach, describe, expect, it } from 'vitest';
import { createCodeIndex } from '../code-index/code-index';
import { nodeGrammarLocator } from '../code-index/test-support';
import type { CodeIndex } from '../code-index/types';
import { createAstPool, type AstPool } from '../code-index/worker-pool';
import { memoryWorkspace } from '../engine/test-support/workspace';
import { cat } from '../engine/tools/cat';
import { searchPattern } from '../engine/tools/search-pattern';
import { tree } from '../engine/tools/tree';
import type { ToolContext } from '../engine/tools/types';
import { inProcess } from '../worker-api/connect';
import type { Workspace } from '../workspace/types';
import { createAstService } from '../../workers/ast.service';
import { HostWorkspace } from './host-workspace';
import { MemoryHost, connectedChannel, hostFiles, settle } from './test-support';

/*
 * Real engine pieces (the agent's read tools, the AST code index) over files
 * that live in the IDE, through a HostChannel, against the same project in a
 * HandleWorkspace: they must not be able to tell the difference.
 */

const PROJECT: Record<string, string> = {
  '.gitignore': 'generated/\n',
  'README.md': '# shop\nTODO: docs\n',
  'shop/cart.py': 'from shop.tax import rate\n\nclass Cart:\n    def total(self):\n        return self.subtotal() * rate()  # TODO: round\n\n    def subtotal(self):\n        return 1\n',
  'shop/tax.py': 'def rate():\n    return 2\n\nclass Invoice:\n    def total(self):\n        return rate()\n',
  'app/main.py': 'from shop.cart import Cart\n\ndef checkout():\n    return Cart().total()\n',
  'app/b10.py': '',
  'app/b2.py': '',
  'generated/skip.py': 'def generated():\n    pass  # TODO\n',
  'node_modules/dep/index.js': 'function dependency() {} // TODO\n',
};

async function bothWorkspaces() {
  const { workspace: handle } = await memoryWorkspace(PROJECT);
  const ide = new MemoryHost(PROJECT);
  const { pair, channel } = await connectedChannel({ host: ide });
  const host = new HostWorkspace('host:shop', 'shop', hostFiles(channel));
  return { handle, host, ide, pair };
}

const toolContext = (workspace: Workspace): ToolContext => ({
  workspace,
  chatId: 'chat-1',
  checkpoints: null,
  knowledge: null,
  index: null,
  files: null,
  multimodal: false,
  signal: new AbortController().signal,
});

describe('the read tools over HostWorkspace', () => {
  it('answer exactly as over HandleWorkspace', async () => {
    const { handle, host } = await bothWorkspaces();
    const calls = [
      () => tree.run({}, toolContext(handle)),
      () => searchPattern.run({ pattern: 'TODO' }, toolContext(handle)),
      () => searchPattern.run({ pattern: 'def \\w+', scope: 'shop' }, toolContext(handle)),
      () => cat.run({ paths: 'shop/tax.py:4-6, app/main.py, shop/nope.py' }, toolContext(handle)),
    ];
    const outcomes = await Promise.all(calls.map((call) => call()));
    expect(outcomes[0]!.content).toContain('  app/\n    b2.py\n    b10.py\n    main.py\n');
    expect(outcomes[1]!.content).toContain('shop/cart.py:5: return self.subtotal() * rate()  # TODO: round');
    expect(outcomes[1]!.content).not.toMatch(/generated|node_modules/);
    expect(outcomes[3]!.contextFiles).toHaveLength(2);

    const overHost = [
      await tree.run({}, toolContext(host)),
      await searchPattern.run({ pattern: 'TODO' }, toolContext(host)),
      await searchPattern.run({ pattern: 'def \\w+', scope: 'shop' }, toolContext(host)),
      await cat.run({ paths: 'shop/tax.py:4-6, app/main.py, shop/nope.py' }, toolContext(host)),
    ];
    expect(overHost).toEqual(outcomes);
  });
});

describe('the code index over HostWorkspace', () => {
  let pool: AstPool;
  const open: CodeIndex[] = [];
  afterEach(() => {
    open.splice(0).forEach((index) => index.dispose());
    pool.dispose();
  });

  function indexOf(workspace: Workspace): CodeIndex {
    pool ??= createAstPool({ size: 2, spawn: () => inProcess(createAstService({ locate: nodeGrammarLocator() })) });
    const index = createCodeIndex(workspace, { pool, persist: false, maxFiles: 1000 });
    open.push(index);
    return index;
  }

  const summary = async (index: CodeIndex) => ({
    status: (({ state, files, definitions, truncated }) => ({ state, files, definitions, truncated }))(await index.whenIdle()),
    total: (await index.definitions('total')).map((m) => `${m.symbol.path} ${m.symbol.file}:${m.symbol.line1}`),
    rate: (await index.references('rate')).map((r) => `${r.file}:${r.line} ${r.definition}`),
    generated: await index.definitions('generated', { fuzzy: false }),
  });

  it('indexes the same definitions and references as over HandleWorkspace, and follows the IDE edits', async () => {
    const { handle, host, ide, pair } = await bothWorkspaces();
    const expected = await summary(indexOf(handle));
    expect(expected.total).toEqual(['shop::cart::Cart::total shop/cart.py:4', 'shop::tax::Invoice::total shop/tax.py:5']);
    expect(expected.generated).toEqual([]);
    const index = indexOf(host);
    expect(await summary(index)).toEqual(expected);

    // The user edits a file in VS Code: the extension reports it, the index follows.
    ide.put('shop/tax.py', 'def rate():\n    return 3\n\ndef discount():\n    return rate()\n');
    pair.event('fs/changed', [{ type: 'modified', path: 'shop/tax.py' }]);
    await settle();
    await index.whenIdle();
    expect((await index.definitions('discount')).map((m) => `${m.symbol.file}:${m.symbol.line1}`)).toEqual(['shop/tax.py:4']);
    expect(await index.definitions('Invoice', { fuzzy: false })).toEqual([]);

    // The agent deletes a folder through the workspace: its definitions go with it.
    await host.remove('app', { recursive: true });
    await index.whenIdle();
    expect(await index.definitions('checkout', { fuzzy: false })).toEqual([]);
  });
});
