import type { HealthCheck } from '@portico/config';
import { Agent, request } from 'undici';
import type { UpstreamMember } from './upstream-member';

type ActiveSettings = HealthCheck['active'];

/**
 * Active HTTP checks, off the hot path: every `intervalMs` each member gets one GET of `path`
 * (never two at once); 2xx/3xx within `timeoutMs` counts as a pass. `unhealthyThreshold`
 * consecutive failures take a member out, `healthyThreshold` consecutive passes bring it back.
 * The timer is unref'd and stopped when the config that owns it is swapped out.
 */
export class ActiveHealthChecker {
  private timer: NodeJS.Timeout | null = null;
  private readonly agent: Agent;

  constructor(
    private readonly settings: ActiveSettings,
    private readonly members: () => readonly UpstreamMember[],
    tls: { verify: boolean; caBundlePem?: string | undefined; serverName?: string | undefined },
  ) {
    this.agent = new Agent({
      connections: 2,
      keepAliveTimeout: Math.max(1000, settings.intervalMs * 2),
      connect: {
        timeout: settings.timeoutMs,
        rejectUnauthorized: tls.verify,
        ...(tls.caBundlePem ? { ca: tls.caBundlePem } : {}),
        ...(tls.serverName ? { servername: tls.serverName } : {}),
      },
    });
  }

  start(): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => this.round(), this.settings.intervalMs);
    this.timer.unref();
    this.round();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.agent.close().catch(() => undefined);
  }

  private round(): void {
    for (const member of this.members()) {
      if (member.activeChecking) continue;
      member.activeChecking = true;
      this.check(member).then(
        (error) => this.record(member, error),
        (error: unknown) => this.record(member, String(error)),
      );
    }
  }

  /** Resolves to null on a pass, or what went wrong. */
  private async check(member: UpstreamMember): Promise<string | null> {
    try {
      const res = await request(`${member.origin}${this.settings.path}`, {
        dispatcher: this.agent,
        headersTimeout: this.settings.timeoutMs,
        bodyTimeout: this.settings.timeoutMs,
        signal: AbortSignal.timeout(this.settings.timeoutMs),
        headers: { 'user-agent': 'portico-health-check' },
      });
      await res.body.dump();
      return res.statusCode < 400 ? null : `HTTP ${res.statusCode}`;
    } catch (error) {
      const e = error as { code?: string; message?: string };
      return e.code ?? e.message ?? 'check failed';
    }
  }

  private record(member: UpstreamMember, error: string | null): void {
    member.activeChecking = false;
    if (this.timer === null) return;
    if (error === null) {
      member.activeFailStreak = 0;
      member.activeOkStreak++;
      if (!member.activeHealthy && member.activeOkStreak >= this.settings.healthyThreshold) {
        member.activeHealthy = true;
        member.activeLastError = null;
      }
      return;
    }
    member.activeOkStreak = 0;
    member.activeFailStreak++;
    member.activeLastError = error;
    if (member.activeHealthy && member.activeFailStreak >= this.settings.unhealthyThreshold)
      member.activeHealthy = false;
  }
}
