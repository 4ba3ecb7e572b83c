import type { UpstreamInstance } from './upstream-selector';

/**
 * One instance of a service with every health signal about it. The proxy holds it as an
 * UpstreamInstance; reports find their member in O(1) by identity (`owner`).
 */
export class UpstreamMember implements UpstreamInstance {
  readonly origin: string;
  /** The balancer that currently lists this member; null once it left the instance set. */
  owner: object | null;
  weight: number;
  /** Smooth weighted round-robin state. */
  current = 0;
  /** Requests picked and not yet reported. */
  outstanding = 0;
  // Passive health.
  consecutiveFailures = 0;
  ejectedUntil = 0;
  ejections = 0;
  /** Back from an ejection: one trial request at a time until one succeeds. */
  halfOpen = false;
  trialInFlight = 0;
  lastFailureAt = 0;
  // Active health.
  activeHealthy = true;
  activeOkStreak = 0;
  activeFailStreak = 0;
  activeLastError: string | null = null;
  activeChecking = false;

  constructor(
    owner: object,
    readonly id: string,
    readonly host: string,
    readonly port: number,
    weight: number,
    scheme: 'http' | 'https',
  ) {
    this.owner = owner;
    this.weight = weight;
    const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
    this.origin = `${scheme}://${bracketed}:${port}`;
  }
}
