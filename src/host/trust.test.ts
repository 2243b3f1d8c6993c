import { describe, expect, it } from 'vitest';
import { patternFor, trustsOrigin } from './trust';

describe('trustsOrigin', () => {
  it('trusts VS Code webviews by default, and nothing that only looks like one', () => {
    for (const origin of ['vscode-webview://abc123', 'https://1a2b3c.vscode-cdn.net', 'https://0f9e8d.vscode-webview.net']) {
      expect(trustsOrigin(origin, []), origin).toBe(true);
    }
    for (const origin of [
      'https://evil.com',
      'https://vscode-cdn.net.evil.com',
      'https://a.b.vscode-cdn.net',
      'http://1a2b3c.vscode-cdn.net',
      'https://1a2b3c.vscode-cdn.net:8443',
      'vscode-webview://abc.evil.com',
      'null',
      '',
    ]) {
      expect(trustsOrigin(origin, []), origin).toBe(false);
    }
  });

  it('trusts an origin the user allowed, and other webviews of that IDE at the same host and port only', () => {
    const allowed = [patternFor('https://1b7e4f52-33c1-4a6e-8f0e-2c9d5b1a7e44.webviews.example.org:8443')];
    expect(trustsOrigin('https://1b7e4f52-33c1-4a6e-8f0e-2c9d5b1a7e44.webviews.example.org:8443', allowed)).toBe(true);
    expect(trustsOrigin('https://99aa0c1e-0000-4bbb-8ccc-123456789abc.webviews.example.org:8443', allowed)).toBe(true);
    expect(trustsOrigin('https://99aa0c1e-0000-4bbb-8ccc-123456789abc.webviews.example.org:9443', allowed)).toBe(false);
    expect(trustsOrigin('https://99aa0c1e-0000-4bbb-8ccc-123456789abc.webviews.example.org', allowed)).toBe(false);
    expect(trustsOrigin('https://99aa0c1e-0000-4bbb-8ccc-123456789abc.evil.org:8443', allowed)).toBe(false);
    expect(trustsOrigin('https://x.y.webviews.example.org:8443', allowed)).toBe(false);
  });

  it('remembers a plain host exactly (no wildcard for a short first label)', () => {
    expect(patternFor('http://localhost:8080')).toBe('http://localhost:8080');
    expect(patternFor('https://code.example.org')).toBe('https://code.example.org');
    const allowed = [patternFor('http://localhost:8080')];
    expect(trustsOrigin('http://localhost:8080', allowed)).toBe(true);
    expect(trustsOrigin('http://localhost:8081', allowed)).toBe(false);
    expect(trustsOrigin('http://evil.localhost:8080', allowed)).toBe(false);
  });

  it('keeps a named first label exact: one Codespace or tunnel allowed is not all of them', () => {
    const codespace = 'https://fluffy-space-guide-5g4x9q7-8080.app.github.dev';
    expect(patternFor(codespace)).toBe(codespace);
    expect(trustsOrigin('https://someone-elses-box-8080.app.github.dev', [patternFor(codespace)])).toBe(false);
    const tunnel = 'https://1a2b-203-0-113-7.ngrok-free.app';
    expect(patternFor(tunnel)).toBe(tunnel);
    // A webview id shaped label (VS Code's per-webview hash) becomes the wildcard.
    expect(patternFor('http://0a1b2c3d4e5f6g7h8i9j0k1l.localhost:3000')).toBe('http://*.localhost:3000');
  });
});
