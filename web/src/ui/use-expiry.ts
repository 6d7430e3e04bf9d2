import { useEffect } from 'preact/hooks';

// setTimeout takes at most 2^31 - 1 ms (about 24.8 days); longer waits fire at once.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Calls `onExpiry` once `expiresAt` (ISO 8601) is reached, while a session is open. */
export function useExpiry(expiresAt: string | undefined, onExpiry: () => void): void {
  useEffect(() => {
    if (expiresAt === undefined) return;
    const timer = setTimeout(
      onExpiry,
      Math.min(MAX_TIMER_MS, Math.max(0, Date.parse(expiresAt) - Date.now())),
    );
    return () => clearTimeout(timer);
  }, [expiresAt]);
}
