import { type ClientHttp2Session, connect, type SecureClientSessionOptions } from 'node:http2';
import type { SnapshotService } from '@portico/config';
import type { UpstreamInstance } from '../upstream/upstream-selector';

/**
 * One pooled HTTP/2 session per instance and TLS setting, for gRPC calls passed straight
 * through (the transcoder uses grpc-js channels instead). A session that closes, fails or is
 * told to go away leaves the pool, so the next call to that instance opens a fresh one.
 */
export class GrpcSessions {
  private readonly sessions = new Map<string, ClientHttp2Session>();

  get(key: string, instance: UpstreamInstance, service: SnapshotService): ClientHttp2Session {
    const pooled = this.sessions.get(key);
    if (pooled !== undefined && !pooled.closed && !pooled.destroyed) return pooled;
    const session = openSession(instance, service);
    this.sessions.set(key, session);
    const forget = () => {
      if (this.sessions.get(key) === session) this.sessions.delete(key);
    };
    session.once('close', forget);
    session.once('goaway', forget);
    // A failed session is reported on the streams it carried; this only keeps it from throwing.
    session.on('error', forget);
    // An idle pooled session must not hold the gateway's event loop open.
    session.unref();
    return session;
  }

  /** Closes the sessions whose key is not in `keys` (called as a version goes live). */
  retainOnly(keys: ReadonlySet<string>): void {
    for (const [key, session] of this.sessions) {
      if (keys.has(key)) continue;
      // close(), not destroy(): calls in flight on the old version finish first.
      session.close();
      this.sessions.delete(key);
    }
  }

  closeAll(): void {
    for (const session of this.sessions.values()) session.destroy();
    this.sessions.clear();
  }
}

function openSession(instance: UpstreamInstance, service: SnapshotService): ClientHttp2Session {
  const host = instance.host.includes(':') ? `[${instance.host}]` : instance.host;
  if (service.scheme !== 'https') return connect(`http://${host}:${instance.port}`);
  const tls = service.tls;
  const options: SecureClientSessionOptions = {
    ALPNProtocols: ['h2'],
    rejectUnauthorized: tls.verify,
  };
  if (tls.caBundlePem !== undefined) options.ca = tls.caBundlePem;
  if (tls.serverName !== undefined) options.servername = tls.serverName;
  if (!tls.verify) options.checkServerIdentity = () => undefined;
  return connect(`https://${host}:${instance.port}`, options);
}
