/**
 * Tags-style tree-sitter queries, one module per language. Capture names:
 *
 * - `@definition.<kind>` the whole definition node (kind: a SymbolKind) with `@name`, its name.
 *   `function` becomes `method` when the nearest enclosing definition or scope is class-like.
 * - `@scope.<what>` a node that qualifies the paths of definitions inside it without being one
 *   itself (Rust `impl Foo`, Swift/Dart extensions), with `@name`.
 * - `@package` a package or namespace declaration that prefixes every path in the file (Go,
 *   Java, C# file-scoped namespaces, PHP `namespace X;`), with `@name`.
 * - `@qualifier` extra segments between the enclosing scopes and the name (a Go method's
 *   receiver type, C++ `Foo::bar` defined out of line).
 * - `@chained.<kind>` with `@name`: a target further down a chain of nested nodes of one type
 *   (Python's `A = B = 1` nests `B = 1` in the assignment to A). It is a definition only when the
 *   chain's outermost node is captured as `@chain` (say, a module-level assignment), and it takes
 *   that node as its own: one statement, its targets siblings, as with `a, b = 1, 2`.
 * - `@body` extends a definition's range to a sibling node (Dart's function bodies).
 * - `@reference.<kind>` (call, new, type, inherit, ref) with `@name`, and `@receiver` for the
 *   expression before the name (`obj` in `obj.name()`).
 * - `@import` binds the local `@name` to `@original` (default: the same name) from module
 *   `@source`; `@module_import` binds `@name` to the module itself (`import * as ns`). Without
 *   `@source`, the name is itself the module (`import os.path` binds `os`). Usages of imported
 *   names then carry the qualified path they were imported as (`imported`).
 *
 * When several patterns capture the same definition or usage, the earliest pattern wins:
 * put the specific patterns (struct, arrow-function const) before the general ones.
 */
import { cQuery } from './c';
import { cppQuery } from './cpp';
import { csharpQuery } from './csharp';
import { dartQuery } from './dart';
import { goQuery } from './go';
import { javaQuery } from './java';
import { javascriptQuery } from './javascript';
import { phpQuery } from './php';
import { pythonQuery } from './python';
import { rubyQuery } from './ruby';
import { rustQuery } from './rust';
import { solidityQuery } from './solidity';
import { swiftQuery } from './swift';
import { tsxQuery, typescriptQuery } from './typescript';

/** Language id (see languages.ts) -> tags query source. */
export const TAGS_QUERIES: Readonly<Record<string, string>> = {
  typescript: typescriptQuery,
  typescriptreact: tsxQuery,
  javascript: javascriptQuery,
  javascriptreact: javascriptQuery,
  python: pythonQuery,
  rust: rustQuery,
  go: goQuery,
  java: javaQuery,
  c: cQuery,
  cpp: cppQuery,
  csharp: csharpQuery,
  ruby: rubyQuery,
  php: phpQuery,
  swift: swiftQuery,
  dart: dartQuery,
  solidity: solidityQuery,
};

/** Bump when a query or the extraction changes what is stored, so cached index entries are rebuilt. */
export const QUERIES_VERSION = 3;
