'use client';

import { useState } from 'react';

/**
 * Two published versions to compare, chosen from the versions that exist (newest first), so no
 * number can be mistyped. Defaults to the latest against the one before it.
 */
export function CompareForm({
  latest,
  onCompare,
}: {
  latest: number | null;
  onCompare: (a: number, b: number) => void;
}) {
  const [a, setA] = useState<number | null>(null);
  const [b, setB] = useState<number | null>(null);
  if (latest === null) return <p className="muted">Nothing to compare yet.</p>;
  const numbers = Array.from({ length: latest }, (_, i) => latest - i);
  const from = a ?? Math.max(1, latest - 1);
  const to = b ?? latest;
  return (
    <form
      className="toolbar"
      onSubmit={(e) => {
        e.preventDefault();
        onCompare(from, to);
      }}
    >
      <VersionSelect id="diff-a" label="From" value={from} numbers={numbers} onChange={setA} />
      <VersionSelect id="diff-b" label="to" value={to} numbers={numbers} onChange={setB} />
      <button type="submit">Compare</button>
    </form>
  );
}

function VersionSelect({
  id,
  label,
  value,
  numbers,
  onChange,
}: {
  id: string;
  label: string;
  value: number;
  numbers: number[];
  onChange: (version: number) => void;
}) {
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={value}
        onChange={(e) => onChange(Number(e.target.value))}
        style={{ width: 100 }}
      >
        {numbers.map((n) => (
          <option key={n} value={n}>
            v{n}
          </option>
        ))}
      </select>
    </>
  );
}
