import { embedded, hostConnected, hostVersionNotice, trustHost, untrustedHost } from '../../state/host';
import { storageUnavailable } from '../../storage/availability';

/** Inside an IDE: an unknown IDE asking to connect, a version mismatch, or still connecting. */
export function HostBanners() {
  if (!embedded) return null;
  const origin = untrustedHost.value;
  return (
    <>
      {origin && !hostConnected.value && (
        <div class="banner notice" role="alertdialog" aria-label="Connect to this IDE" data-testid="untrusted-host">
          An IDE at <code>{origin}</code> wants to use this app and its files. Allow it only if it is your own editor (a self-hosted VS Code or
          code-server).
          <button type="button" class="primary" onClick={() => void trustHost(origin)}>
            Allow this IDE
          </button>
          <button type="button" class="secondary" onClick={() => (untrustedHost.value = null)}>
            Not now
          </button>
        </div>
      )}
      {storageUnavailable.value && (
        <div class="banner notice" role="status" data-testid="storage-unavailable">
          {storageUnavailable.value}
          <button type="button" class="icon" aria-label="Dismiss" onClick={() => (storageUnavailable.value = null)}>
            ×
          </button>
        </div>
      )}
      {hostVersionNotice.value && (
        <div class="banner error" role="alert" data-testid="host-version">
          {hostVersionNotice.value}
        </div>
      )}
    </>
  );
}
