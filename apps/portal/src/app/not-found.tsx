import Link from 'next/link';

export default function NotFound() {
  return (
    <div className="auth-page">
      <div className="auth-card">
        <h1>Not found</h1>
        <p className="pui-muted">There is nothing at this address.</p>
        <Link href="/apis">Browse the API catalogue</Link>
      </div>
    </div>
  );
}
