/**
 * A certificate subject (distinguished name) in the one form mtls credentials are matched by:
 * attributes in certificate order, no spaces around `=`, joined by `,` (`O=Acme,CN=client-1`).
 * Accepts Node's multi-line form, OpenSSL's `subject=O = Acme, CN = client-1` and the slash
 * form `/O=Acme/CN=client-1`, so an operator can paste what their tools print.
 */
export function canonicalSubject(subject: string): string {
  const text = subject.trim().replace(/^subject=\s*/i, '');
  const parts = text.startsWith('/')
    ? text.slice(1).split('/')
    : text.split(/\n|,(?=\s*[A-Za-z.0-9]+\s*=)/);
  return parts
    .map((part) => part.trim().replace(/\s*=\s*/, '='))
    .filter((part) => part.length > 0)
    .join(',');
}
