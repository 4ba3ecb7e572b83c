/**
 * Browser stand-in for `node:crypto`: @portico/config hashes snapshots with it on the server;
 * the console never hashes, so calling it here is a programming error.
 */
export function createHash(): never {
  throw new Error('createHash is not available in the browser');
}
