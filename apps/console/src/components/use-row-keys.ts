'use client';

import { useState } from 'react';

/**
 * Stable React keys for the rows of an editable list, so removing a row keeps the others' inputs
 * (whose text state lives in the input components) attached to the right row.
 */
export function useRowKeys(count: number) {
  const [keys, setKeys] = useState(() => Array.from({ length: count }, (_, i) => i));
  return {
    keyAt: (index: number) => keys[index] ?? index,
    added: () => setKeys((k) => [...k, Math.max(-1, ...k) + 1]),
    removed: (index: number) => setKeys((k) => k.filter((_, j) => j !== index)),
  };
}
