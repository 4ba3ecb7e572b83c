/** What Next hands an error boundary: the error (its digest names it in the server log) and a retry. */
export interface ErrorPageProps {
  error: Error & { digest?: string };
  reset: () => void;
}

/** A page opened from a mailed link, which carries its one-time token as ?token=. */
export interface MailedLinkPageProps {
  searchParams: Promise<{ token?: string }>;
}

/** The mailed link's token, or null when the link lost it. */
export async function mailedToken({ searchParams }: MailedLinkPageProps): Promise<string | null> {
  const { token } = await searchParams;
  return token ?? null;
}
