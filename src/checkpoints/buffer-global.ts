import { Buffer } from 'buffer';

// isomorphic-git uses the Node global `Buffer`, expecting the bundler to provide it;
// Vite does not (isomorphic-git issues #1680, #1753). Its dependency sha.js also
// require()s 'buffer', which resolves to the `buffer` package only when it is installed.
const scope = globalThis as { Buffer?: unknown };
scope.Buffer ??= Buffer;
