import type { SessionStore } from '../../web/src/ui/fragment-session.js';

/** A sessionStorage stand-in for the web app's session tests, its items open to inspection. */
export function memoryStore(): SessionStore & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
  };
}
