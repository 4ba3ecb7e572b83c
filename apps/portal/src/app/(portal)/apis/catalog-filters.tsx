'use client';

import { Button, preventingDefault, SelectField, TextField } from '@portico/ui';
import { usePathname, useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';

/** The catalogue's filters, written to the URL (search as you type, after a short pause). */
export function CatalogFilters({
  search,
  tag,
  version,
  tags,
  versions,
}: {
  search: string;
  tag: string;
  version: string;
  tags: string[];
  versions: string[];
}) {
  const router = useRouter();
  const pathname = usePathname();
  const [text, setText] = useState(search);
  const go = (next: { search?: string; tag?: string; version?: string }) => {
    const params = new URLSearchParams();
    const merged = { search: text, tag, version, ...next };
    for (const [name, value] of Object.entries(merged)) if (value) params.set(name, value);
    const query = params.toString();
    router.replace(query ? `${pathname}?${query}` : pathname);
  };
  useEffect(() => {
    if (text === search) return;
    const timer = setTimeout(() => go({ search: text }), 300);
    return () => clearTimeout(timer);
  });
  return (
    <search>
      <form className="filters" onSubmit={preventingDefault(() => go({ search: text }))}>
        <div className="grow">
          <TextField
            label="Search"
            type="search"
            placeholder="Name or description"
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </div>
        <SelectField
          label="Tag"
          value={tag}
          options={[{ value: '', label: 'All tags' }, ...tags.map((t) => ({ value: t, label: t }))]}
          onChange={(e) => go({ tag: e.target.value })}
        />
        <SelectField
          label="Version"
          value={version}
          options={[
            { value: '', label: 'All versions' },
            ...versions.map((v) => ({ value: v, label: v })),
          ]}
          onChange={(e) => go({ version: e.target.value })}
        />
        {search || tag || version ? (
          <Button
            onClick={() => {
              setText('');
              router.replace(pathname);
            }}
          >
            Clear
          </Button>
        ) : null}
      </form>
    </search>
  );
}
