/**
 * The few git object formats the snapshot writes itself (trees, and the
 * metadata lines in a checkpoint's commit message), plus ref names for chats.
 * Blobs are hashed with isomorphic-git's `hashBlob`; commits are written with
 * its `writeCommit`.
 */

const encoder = new TextEncoder();

export const FILE_MODE = '100644';
export const TREE_MODE = '40000';
export const EMPTY_TREE_OID = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

export function toHex(bytes: ArrayBuffer | Uint8Array): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let hex = '';
  for (const byte of view) hex += (byte < 16 ? '0' : '') + byte.toString(16);
  return hex;
}

function fromHex(hex: string, out: Uint8Array, at: number): void {
  for (let i = 0; i < 20; i++) out[at + i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
}

export async function sha1Hex(data: Uint8Array): Promise<string> {
  return toHex(await crypto.subtle.digest('SHA-1', data as Uint8Array<ArrayBuffer>));
}

/** `<type> <size>\0<content>`: the bytes git hashes and stores. */
export function wrapObject(type: 'blob' | 'tree' | 'commit', content: Uint8Array): Uint8Array {
  const header = encoder.encode(`${type} ${content.length}\0`);
  const out = new Uint8Array(header.length + content.length);
  out.set(header);
  out.set(content, header.length);
  return out;
}

export interface TreeItem {
  name: string;
  mode: typeof FILE_MODE | typeof TREE_MODE;
  oid: string;
}

/** Git's tree order: by name bytes, a subtree comparing as if its name ended in '/'. */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** The content of a tree object (without the `tree <size>\0` header). */
export function serializeTree(items: readonly TreeItem[]): Uint8Array {
  const keyed = items.map((item) => {
    const name = encoder.encode(item.name);
    const key = item.mode === TREE_MODE ? encoder.encode(item.name + '/') : name;
    return { item, name, key };
  });
  keyed.sort((x, y) => compareBytes(x.key, y.key));
  let size = 0;
  const heads = keyed.map(({ item, name }) => {
    const head = encoder.encode(`${item.mode} `);
    size += head.length + name.length + 1 + 20;
    return head;
  });
  const out = new Uint8Array(size);
  let at = 0;
  keyed.forEach(({ item, name }, i) => {
    const head = heads[i]!;
    out.set(head, at);
    at += head.length;
    out.set(name, at);
    at += name.length;
    out[at++] = 0;
    fromHex(item.oid, out, at);
    at += 20;
  });
  return out;
}

// ---- ref names ---------------------------------------------------------------

export const CHAT_REF_PREFIX = 'refs/heads/chats/';
export const UNDO_REF = 'refs/heads/undo';

/**
 * A chat id as a ref name component, reversibly: letters, digits and '-' stay,
 * every other UTF-8 byte becomes `_XX`. Keeps git's ref rules ('..', '.lock',
 * spaces, ':' ...) out of the question for any id the chat invents.
 */
export function chatRef(chatId: string): string {
  if (chatId === '') throw new Error('checkpoints: the chat id must not be empty');
  let out = '';
  for (const byte of encoder.encode(chatId)) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9-]/.test(c) ? c : '_' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return CHAT_REF_PREFIX + out;
}

/** The chat id a ref from `chatRef` was made from, or null for other refs. */
export function chatIdOfRef(ref: string): string | null {
  if (!ref.startsWith(CHAT_REF_PREFIX)) return null;
  const encoded = ref.slice(CHAT_REF_PREFIX.length);
  const bytes: number[] = [];
  for (let i = 0; i < encoded.length; i++) {
    if (encoded[i] === '_') {
      bytes.push(parseInt(encoded.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(encoded.charCodeAt(i));
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

// ---- checkpoint metadata in the commit message ---------------------------------

/** A path the snapshot did not save (and a restore must therefore leave alone). */
export interface SkippedPath {
  path: string;
  kind: 'file' | 'directory';
  size: number;
  reason: string;
}

const SKIPPED_TRAILER = 'Refact-Skipped: ';

/** Paths and reasons go through JSON so that tabs, newlines and quotes in names survive. */
export function checkpointMessage(title: string, skipped: readonly SkippedPath[]): string {
  // One line, so that nothing in it (a chat id, say) can pose as a trailer.
  title = title.replace(/[\u0000-\u001f\u007f]+/g, ' ');
  const lines = skipped.map((s) => SKIPPED_TRAILER + JSON.stringify([s.path, s.kind, s.size, s.reason]));
  return lines.length ? `${title}\n\n${lines.join('\n')}\n` : `${title}\n`;
}

export function parseSkipped(message: string): SkippedPath[] {
  const out: SkippedPath[] = [];
  for (const line of message.split('\n')) {
    if (!line.startsWith(SKIPPED_TRAILER)) continue;
    try {
      const value: unknown = JSON.parse(line.slice(SKIPPED_TRAILER.length));
      if (
        Array.isArray(value) &&
        typeof value[0] === 'string' &&
        (value[1] === 'file' || value[1] === 'directory') &&
        typeof value[2] === 'number' &&
        typeof value[3] === 'string'
      ) {
        out.push({ path: value[0], kind: value[1], size: value[2], reason: value[3] });
      }
    } catch {
      // A malformed line protects nothing; the rest still count.
    }
  }
  return out;
}
