/**
 * The agent engine's public surface, for the chat store and UI. Pure
 * TypeScript with no DOM: everything here also runs in Node tests.
 */
export * from './messages';
export { toProviderMessages, contextFileText, diffText, NOT_RUN_RESULT, type ProviderMessageOptions } from './provider-messages';
export { emptyDraft, mergeChunk, mergeToolCalls, mergeThinkingBlocks, finalizeDraft, isServerExecutedTool, type AssistantDraft } from './stream-merge';
export * from './modes';
export * from './loop';
export * from './confirmation';
export { BUILTIN_TOOLS, toolsForMode, availableTools, toolSpecs, ToolError } from './tools/index';
export type { CheckpointPort, CodeIndexPort, CodeLocation, ShellPort, Tool, ToolContext, ToolKind, ToolOutcome } from './tools/index';
export * from './at-commands/index';
export { fitToBudget, countThreadTokens, countRequestTokens, STUBBED_RESULT, type BudgetOptions, type BudgetResult, type CompressionStage } from './budget';
export * from './token-counter';
export { createFileList, listWorkspaceFiles, type WorkspaceFileList } from './file-list';
export * from './knowledge/store';
export { IdbKnowledgeStore, KNOWLEDGE_STORE, type KnowledgeDb } from './knowledge/idb-store';
export { systemPrompt, type PromptContext } from './prompts';
export { diffChunks } from './diff';
export { detectToolLoop, toolLoopExplanation, DEFAULT_TOOL_LOOP_LIMIT, type ToolLoop } from './tool-loop';
export { renderTree, renderTreeWithin, type TreeOptions } from './project-tree';
