import { useEffect } from 'preact/hooks';
import { useRegisterSW } from 'virtual:pwa-register/preact';

/** How long "Ready to work offline" shows: it is news, not a question; it must not sit over the composer (a narrow IDE panel). */
const OFFLINE_READY_MS = 8_000;

/** Service worker registration, "ready offline" and "new version, reload" notices. */
export function UpdatePrompt() {
  const {
    needRefresh: [needRefresh, setNeedRefresh],
    offlineReady: [offlineReady, setOfflineReady],
    updateServiceWorker,
  } = useRegisterSW({
    onRegisteredSW(_url, registration) {
      // Check for a new version every hour while the tab stays open.
      if (registration) setInterval(() => void registration.update().catch(() => undefined), 60 * 60 * 1000);
    },
  });
  useEffect(() => {
    if (!offlineReady || needRefresh) return;
    const timer = setTimeout(() => setOfflineReady(false), OFFLINE_READY_MS);
    return () => clearTimeout(timer);
  }, [offlineReady, needRefresh]);
  if (!needRefresh && !offlineReady) return null;
  return (
    <div class="toast" role="status">
      {needRefresh ? (
        <>
          <span>A new version is available.</span>
          <button type="button" class="primary" onClick={() => void updateServiceWorker(true)}>
            Reload
          </button>
          <button type="button" class="secondary" onClick={() => setNeedRefresh(false)}>
            Later
          </button>
        </>
      ) : (
        <>
          <span>Ready to work offline.</span>
          <button type="button" class="secondary" onClick={() => setOfflineReady(false)}>
            OK
          </button>
        </>
      )}
    </div>
  );
}
