/** What the global setup hands to the specs (through Vitest's provide/inject). */
export interface StackInfo {
  consoleUrl: string;
  controlUrl: string;
  gatewayUrl: string;
  gatewayStatusUrl: string;
  upstreamPort: number;
  /** Personal access token of the bootstrap owner, for assertions made outside the browser. */
  ownerToken: string;
  admin: { email: string; password: string };
  viewer: { email: string; password: string };
  /** Where specs write screenshots. */
  resultsDir: string;
  /** True when the analytics worker runs, so calls through the gateway reach usage.*. */
  analytics: boolean;
  /** The developer portal. */
  portalUrl: string;
  /** Where the stack's SMTP server writes each mail it receives (<n>.eml). */
  mailDir: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackInfo;
  }
}
