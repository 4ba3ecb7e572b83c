'use client';

import { useRouter } from 'next/navigation';

/**
 * After signing in or out: go to `path` and render the server components again, since they read
 * the session that has just changed.
 */
export function useLeaveAfterSessionChange(): (path: string) => void {
  const router = useRouter();
  return (path) => {
    router.replace(path);
    router.refresh();
  };
}
