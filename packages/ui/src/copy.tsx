'use client';

import { useEffect, useState } from 'react';
import { Button } from './button';

/** Copies `value` to the clipboard and says so for two seconds. */
export function CopyButton({ value, label = 'Copy' }: { value: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 2000);
    return () => clearTimeout(timer);
  }, [copied]);
  return (
    <Button
      size="sm"
      variant="ghost"
      className="pui-copy"
      aria-live="polite"
      onClick={() => {
        void navigator.clipboard?.writeText(value).then(
          () => setCopied(true),
          () => setCopied(false),
        );
      }}
    >
      {copied ? 'Copied' : label}
    </Button>
  );
}

/** Monospace block with a copy button, for keys, URLs and command lines. */
export function CodeBlock({
  code,
  language,
  copy = true,
  testId,
}: {
  code: string;
  language?: string;
  copy?: boolean;
  testId?: string;
}) {
  return (
    <div className="pui-code">
      {language || copy ? (
        <div className="pui-code-bar">
          <span>{language ?? ''}</span>
          {copy ? <CopyButton value={code} /> : null}
        </div>
      ) : null}
      <pre data-testid={testId}>
        <code>{code}</code>
      </pre>
    </div>
  );
}
