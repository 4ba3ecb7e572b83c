/**
 * Load with HTTP Message Signatures (RFC 9421) through wrk. The gateway refuses a signature it
 * has seen (replay guard), so every request needs its own: a pool of signatures, each with its
 * own nonce, is written ahead of the run, and wrk's threads take disjoint lines of it (thread k
 * sends lines k, k+threads, …), so no signature is sent twice while the pool lasts.
 */
import { type KeyObject, randomBytes } from 'node:crypto';
import { createWriteStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { signHttpRequest } from '@portico/testkit';

const SIGNED_WRK_SCRIPT = `
local counter = 0
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end
function init(args)
  local threads = tonumber(args[2])
  lines = {}
  n = 0
  local k = 0
  for line in io.lines(args[1]) do
    if k % threads == tid then
      n = n + 1
      lines[n] = line
    end
    k = k + 1
  end
  i = 0
end
function request()
  i = i + 1
  if i > n then i = 1 end
  local l = lines[i]
  local tab = l:find("\\t", 1, true)
  wrk.headers["Signature-Input"] = l:sub(1, tab - 1)
  wrk.headers["Signature"] = l:sub(tab + 1)
  return wrk.format()
end
`;

/** Writes the wrk script that sends pooled signatures; returns its path. */
export function writeSignedScript(dir: string): string {
  const path = join(dir, 'signed.lua');
  writeFileSync(path, SIGNED_WRK_SCRIPT);
  return path;
}

/** Writes `count` distinct signatures of `GET url` (one per line: input, tab, signature). */
export async function writeSignaturePool(
  path: string,
  options: {
    url: string;
    count: number;
    keyid: string;
    alg: 'hmac-sha256' | 'ed25519';
    key: Buffer | KeyObject;
  },
): Promise<void> {
  const out = createWriteStream(path);
  const created = Math.floor(Date.now() / 1000);
  const prefix = randomBytes(6).toString('hex');
  for (let i = 0; i < options.count; i++) {
    const signed = signHttpRequest({
      method: 'GET',
      url: options.url,
      headers: {},
      components: ['@method', '@authority', '@path'],
      keyid: options.keyid,
      alg: options.alg,
      key: options.key,
      created,
      nonce: `${prefix}${i}`,
    });
    if (!out.write(`${signed['signature-input']}\t${signed.signature}\n`))
      await new Promise((resolve) => out.once('drain', resolve));
  }
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
}
