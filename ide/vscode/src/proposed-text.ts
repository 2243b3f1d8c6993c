/**
 * Read-only documents on a scheme of ours holding text nobody has written
 * yet: the agent's proposed version of a file (the right side of its diff)
 * and the empty left side of a new file. The URI keeps the file's path, so
 * VS Code picks the language and shows the name; the query makes each
 * proposal its own document.
 */
import * as vscode from 'vscode';

let nextProposal = 0;

export class ProposedText implements vscode.TextDocumentContentProvider {
  static readonly scheme = 'refact-edit';
  private readonly texts = new Map<string, string>();

  /** A new document with `text`, named after the workspace-relative `path`. */
  add(path: string, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: ProposedText.scheme, path: `/${path}`, query: `proposal=${++nextProposal}` });
    this.texts.set(uri.toString(), text);
    return uri;
  }

  remove(uri: vscode.Uri): void {
    this.texts.delete(uri.toString());
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }
}
