'use client';

/** A key created in this browser tab, kept so Try it can use it without pasting. */
export interface RecentKey {
  id: string;
  label: string;
  clear: string;
}

const STORAGE_KEY = 'portico.recent-keys';
const MAX_KEYS = 5;

/**
 * Keys created or rotated in this tab. Session storage: gone when the tab closes, never sent to
 * any server, and only ever holding the developer's own keys.
 */
export function recentKeys(): RecentKey[] {
  try {
    const parsed: unknown = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? '[]');
    return Array.isArray(parsed) ? (parsed as RecentKey[]) : [];
  } catch {
    return [];
  }
}

export function rememberKey(key: RecentKey): void {
  const others = recentKeys().filter((k) => k.id !== key.id);
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify([key, ...others].slice(0, MAX_KEYS)));
}
