import { describe, expect, it } from 'vitest';
import { PathEscapeError, normalizeWorkspacePath } from './paths';

describe('normalizeWorkspacePath', () => {
  it.each([
    ['src/main.ts', 'src/main.ts'],
    ['./src//main.ts', 'src/main.ts'],
    ['src/', 'src'],
    ['', ''],
    ['.', ''],
    ['données/café.txt', 'données/café.txt'],
  ])('keeps %j inside as %j', (input, expected) => {
    expect(normalizeWorkspacePath(input)).toBe(expected);
  });

  it.each(['../etc/passwd', 'src/../../x', '/etc/passwd', 'C:\\Windows', 'C:/x', '\\\\server\\share', 'a\\..\\b', 'file:///etc/passwd', '~/.ssh/id_rsa', 'a\u0000b'])(
    'refuses %j with a message that says why',
    (input) => {
      expect(() => normalizeWorkspacePath(input)).toThrow(PathEscapeError);
      expect(() => normalizeWorkspacePath(input)).toThrow(/inside the workspace/);
    },
  );
});
