// Parts of the File System Access API that TypeScript's DOM lib does not ship yet
// (Chromium-only today). Everything here is feature-detected before use.

type FileSystemPermissionMode = 'read' | 'readwrite';

interface FileSystemHandlePermissionDescriptor {
  mode?: FileSystemPermissionMode;
}

interface FileSystemHandle {
  queryPermission?(descriptor?: FileSystemHandlePermissionDescriptor): Promise<PermissionState>;
  requestPermission?(descriptor?: FileSystemHandlePermissionDescriptor): Promise<PermissionState>;
  /** Chromium: rename/move within the same file system. */
  move?(destination: FileSystemDirectoryHandle, newName?: string): Promise<void>;
}

interface DirectoryPickerOptions {
  id?: string;
  mode?: FileSystemPermissionMode;
  startIn?: FileSystemHandle | 'desktop' | 'documents' | 'downloads' | 'music' | 'pictures' | 'videos';
}

interface Window {
  showDirectoryPicker?(options?: DirectoryPickerOptions): Promise<FileSystemDirectoryHandle>;
}

type FileSystemChangeType = 'appeared' | 'disappeared' | 'modified' | 'moved' | 'unknown' | 'errored';

interface FileSystemChangeRecord {
  readonly changedHandle: FileSystemHandle | null;
  readonly relativePathComponents: readonly string[];
  readonly relativePathMovedFrom: readonly string[] | null;
  readonly root: FileSystemHandle;
  readonly type: FileSystemChangeType;
}

interface FileSystemObserver {
  observe(handle: FileSystemHandle, options?: { recursive?: boolean }): Promise<void>;
  disconnect(): void;
}

declare var FileSystemObserver:
  | {
      prototype: FileSystemObserver;
      new (callback: (records: FileSystemChangeRecord[], observer: FileSystemObserver) => void): FileSystemObserver;
    }
  | undefined;
