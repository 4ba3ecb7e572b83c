import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { Providers } from './providers';
import '@portico/ui/styles.css';
import '@portico/ui/styles-layout.css';
import './globals.css';
import './components.css';

export const metadata: Metadata = {
  title: 'Portico console',
  description: 'Manage APIs, services, consumers, keys and configuration of Portico',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
