'use client';

import type { ErrorPageProps } from '../components/page-props';

/** The last resort when even the root layout failed: plain markup, no kit, no data. */
export default function GlobalError({ error, reset }: ErrorPageProps) {
  return (
    <html lang="en">
      <body
        style={{
          fontFamily: 'system-ui, sans-serif',
          display: 'grid',
          placeItems: 'center',
          minHeight: '100vh',
          margin: 0,
        }}
      >
        <main style={{ maxWidth: 420, textAlign: 'center' }}>
          <h1>The portal is unavailable</h1>
          <p>It could not reach its control plane. Try again in a moment.</p>
          {error.digest ? <p style={{ color: '#5b6475' }}>Reference {error.digest}</p> : null}
          <button type="button" onClick={reset}>
            Try again
          </button>
        </main>
      </body>
    </html>
  );
}
