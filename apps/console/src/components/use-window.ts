'use client';

import { useEffect, useState } from 'react';

function windowEndingNow(lengthMs: number) {
  // Ends at the next whole minute so every refetch within a minute shares one query key.
  const to = Math.ceil(Date.now() / 60_000) * 60_000;
  return { from: new Date(to - lengthMs).toISOString(), to: new Date(to).toISOString() };
}

/**
 * A time window of `lengthMs` ending now, moved forward every minute so live charts keep
 * showing the latest traffic. `refresh` moves it at once.
 */
export function useSlidingWindow(lengthMs: number) {
  const [span, setSpan] = useState(() => windowEndingNow(lengthMs));
  useEffect(() => {
    setSpan(windowEndingNow(lengthMs));
    const timer = setInterval(() => setSpan(windowEndingNow(lengthMs)), 60_000);
    return () => clearInterval(timer);
  }, [lengthMs]);
  return { span, refresh: () => setSpan(windowEndingNow(lengthMs)) };
}
