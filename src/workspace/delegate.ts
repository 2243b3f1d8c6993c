import type { Workspace } from './types';

/**
 * A Workspace that forwards every call to `ws`, except the methods given:
 * the agent's guarded and IDE-approved workspaces are this. (Forwarding, not
 * a prototype: a class's methods must keep their own `this`.)
 */
export function delegateWorkspace(ws: Workspace, overrides: Partial<Omit<Workspace, 'id' | 'name' | 'source'>>): Workspace {
  const forward: Workspace = {
    get id() {
      return ws.id;
    },
    get name() {
      return ws.name;
    },
    get source() {
      return ws.source;
    },
    listDir: (path, options) => ws.listDir(path, options),
    walk: (options) => ws.walk(options),
    stat: (path) => ws.stat(path),
    exists: (path) => ws.exists(path),
    readBytes: (path) => ws.readBytes(path),
    readText: (path, options) => ws.readText(path, options),
    writeText: (path, text, options) => ws.writeText(path, text, options),
    writeBytes: (path, bytes, options) => ws.writeBytes(path, bytes, options),
    createDirectory: (path) => ws.createDirectory(path),
    remove: (path, options) => ws.remove(path, options),
    move: (from, to) => ws.move(from, to),
    isIgnored: (path, kind) => ws.isIgnored(path, kind),
    watch: (listener) => ws.watch(listener),
    refresh: () => ws.refresh(),
  };
  return Object.assign(forward, overrides);
}
