/**
 * Reading a tool's arguments. Models get types wrong in predictable ways
 * ("true" for true, "5" for 5, one path where a list was asked), so the
 * readers accept those and otherwise throw a ToolError naming the argument.
 */
import { PathEscapeError, normalizeWorkspacePath } from '../../workspace/paths';
import { ToolError } from './types';

export function requireString(tool: string, args: Record<string, unknown>, name: string): string {
  const value = args[name];
  if (value === undefined || value === null) throw new ToolError(tool, `the argument "${name}" is required`);
  if (typeof value !== 'string') throw new ToolError(tool, `the argument "${name}" must be a string, got ${kindOf(value)}`);
  return value;
}

export function optionalString(tool: string, args: Record<string, unknown>, name: string): string | undefined {
  const value = args[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ToolError(tool, `the argument "${name}" must be a string, got ${kindOf(value)}`);
  return value;
}

export function optionalBoolean(tool: string, args: Record<string, unknown>, name: string, fallback: boolean): boolean {
  const value = args[name];
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new ToolError(tool, `the argument "${name}" must be true or false, got ${JSON.stringify(value)}`);
}

export function optionalInteger(
  tool: string,
  args: Record<string, unknown>,
  name: string,
  fallback: number,
  range: { min: number; max: number },
): number {
  const value = args[name];
  if (value === undefined || value === null || value === '') return fallback;
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) {
    throw new ToolError(tool, `the argument "${name}" must be a whole number, got ${JSON.stringify(value)}`);
  }
  if (n < range.min || n > range.max) throw new ToolError(tool, `the argument "${name}" must be between ${range.min} and ${range.max}, got ${n}`);
  return n;
}

/** A list given as a JSON array or as one comma-separated string. */
export function stringList(tool: string, args: Record<string, unknown>, name: string): string[] {
  const value = args[name];
  if (value === undefined || value === null) throw new ToolError(tool, `the argument "${name}" is required`);
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : null;
  if (items === null || !items.every((x): x is string => typeof x === 'string')) {
    throw new ToolError(tool, `the argument "${name}" must be a string or a list of strings, got ${kindOf(value)}`);
  }
  const list = items.map((x) => x.trim()).filter((x) => x !== '');
  if (list.length === 0) throw new ToolError(tool, `the argument "${name}" is empty`);
  return list;
}

/**
 * A workspace-relative path from the model. Models often write "./src/a.ts"
 * or "/src/a.ts" meaning the project root; both are read as relative. Paths
 * that climb out (..) are refused with the reason.
 */
export function workspacePath(tool: string, raw: string, argument = 'path'): string {
  const trimmed = raw.trim().replace(/^\/+/, '');
  try {
    return normalizeWorkspacePath(trimmed);
  } catch (error) {
    if (error instanceof PathEscapeError) throw new ToolError(tool, `the argument "${argument}" is not usable: ${error.message}`);
    throw error;
  }
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}
