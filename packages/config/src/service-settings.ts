import { z } from 'zod';
import { forbiddenTargetReason } from './target-address';

/** Registry types Portico can discover instances from. */
export const REGISTRY_TYPES = [
  'builtin',
  'consul',
  'kubernetes',
  'eureka',
  'etcd',
  'zookeeper',
  'dns',
] as const;
export const ZRegistryType = z.enum(REGISTRY_TYPES, {
  error: (issue) =>
    `unknown registry type ${JSON.stringify(issue.input)}: expected one of ${REGISTRY_TYPES.join(', ')}`,
});
export type RegistryType = z.infer<typeof ZRegistryType>;

export const ZName = z
  .string()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .regex(
    /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/,
    'must start with a letter or digit and use only letters, digits, ".", "_" and "-"',
  );

export const ZHost = z
  .string()
  .min(1, 'must not be empty')
  .max(253)
  .superRefine((host, ctx) => {
    const reason = forbiddenTargetReason(host);
    if (reason) ctx.addIssue({ code: 'custom', message: `target host ${host} ${reason}; refused` });
  });

export const ZPort = z.number().int().min(1).max(65535);

export const ZTarget = z.object({
  host: ZHost,
  port: ZPort,
  weight: z.number().int().min(0).max(1000).default(100),
});
export type Target = z.infer<typeof ZTarget>;

export const ZDiscoveryRef = z.object({
  registry: ZName,
  service: z.string().min(1).max(253),
  namespace: z.string().max(253).optional(),
  tags: z.array(z.string().max(100)).max(20).optional(),
  datacenter: z.string().max(100).optional(),
  portName: z.string().max(63).optional(),
});
export type DiscoveryRef = z.infer<typeof ZDiscoveryRef>;

export const LOAD_BALANCING_ALGORITHMS = [
  'round-robin',
  'least-outstanding',
  'power-of-two',
  'consistent-hash',
] as const;

export const ZLoadBalancer = z.object({
  algorithm: z.enum(LOAD_BALANCING_ALGORITHMS).default('round-robin'),
  hashOn: z.enum(['consumer', 'ip', 'header']).default('ip'),
  hashHeader: z.string().max(100).optional(),
});
export type LoadBalancer = z.infer<typeof ZLoadBalancer>;

export const ZTimeouts = z.object({
  connectMs: z.number().int().min(1).max(60_000).default(2_000),
  firstByteMs: z.number().int().min(1).max(600_000).default(30_000),
  totalMs: z.number().int().min(1).max(3_600_000).default(60_000),
});
export type Timeouts = z.infer<typeof ZTimeouts>;

export const ZRetries = z.object({
  attempts: z.number().int().min(0).max(10).default(2),
  retryNonIdempotent: z.boolean().default(false),
  onStatuses: z.array(z.number().int().min(500).max(599)).default([502, 503, 504]),
  /** Retries may add at most this share on top of first attempts, so they never multiply an outage. */
  budgetPercent: z.number().min(0).max(100).default(20),
});
export type Retries = z.infer<typeof ZRetries>;

export const ZHealthCheck = z.object({
  active: z
    .object({
      enabled: z.boolean().default(false),
      path: z.string().startsWith('/').default('/healthz'),
      intervalMs: z.number().int().min(100).max(300_000).default(5_000),
      timeoutMs: z.number().int().min(10).max(60_000).default(1_000),
      healthyThreshold: z.number().int().min(1).max(100).default(2),
      unhealthyThreshold: z.number().int().min(1).max(100).default(3),
    })
    .prefault({}),
  passive: z
    .object({
      enabled: z.boolean().default(true),
      consecutiveFailures: z.number().int().min(1).max(1000).default(5),
      baseEjectionMs: z.number().int().min(100).max(3_600_000).default(5_000),
      maxEjectionMs: z.number().int().min(100).max(3_600_000).default(300_000),
    })
    .prefault({}),
  /** Never eject more than this share of a service's instances at once. */
  maxEjectionPercent: z.number().min(0).max(100).default(50),
  /** Below this share of healthy instances the balancer spreads over all of them. */
  panicThresholdPercent: z.number().min(0).max(100).default(30),
});
export type HealthCheck = z.infer<typeof ZHealthCheck>;

export const ZCircuitBreaker = z.object({
  enabled: z.boolean().default(false),
  failureRatePercent: z.number().min(1).max(100).default(50),
  minimumRequests: z.number().int().min(1).max(100_000).default(20),
  windowMs: z.number().int().min(100).max(600_000).default(10_000),
  openMs: z.number().int().min(100).max(600_000).default(30_000),
  halfOpenProbes: z.number().int().min(1).max(100).default(3),
});
export type CircuitBreaker = z.infer<typeof ZCircuitBreaker>;

export const ZUpstreamTls = z.object({
  verify: z.boolean().default(true),
  caBundlePem: z.string().max(1_000_000).optional(),
  serverName: z.string().max(253).optional(),
});

/** Proto file names as `import` statements spell them: relative, `/`-separated, ending `.proto`. */
export const ZProtoFileName = z
  .string()
  .max(300)
  .regex(
    /^[a-zA-Z0-9_][a-zA-Z0-9_./-]*\.proto$/,
    'must be a relative path ending in ".proto", as import statements name it',
  )
  .refine((name) => !name.split('/').includes('..'), 'must not contain ".." segments');

/**
 * The schema of a gRPC service, stored with the config so each published version carries the
 * schema it was checked against: its proto sources keyed by file name, or a compiled
 * `FileDescriptorSet` (`protoc --include_imports --descriptor_set_out`, base64). Exactly one is
 * given; the control plane checks that when it compiles them.
 */
export const ZGrpcSettings = z.object({
  protoFiles: z
    .record(ZProtoFileName, z.string().max(1_000_000))
    .refine((files) => Object.keys(files).length <= 200, 'at most 200 proto files')
    .optional(),
  descriptorSet: z
    .string()
    .max(8_000_000)
    .regex(/^[A-Za-z0-9+/\s]*={0,2}\s*$/, 'must be base64 text (the bytes protoc wrote)')
    .optional(),
  /** The gateways download the schema from an instance over gRPC server reflection. */
  reflection: z.boolean().optional(),
});
export type GrpcSettings = z.infer<typeof ZGrpcSettings>;

/** What the gateway speaks to a service's instances. */
export const SERVICE_PROTOCOLS = ['http', 'grpc'] as const;
export type ServiceProtocol = (typeof SERVICE_PROTOCOLS)[number];

/** Everything about a service except its identity and where its instances come from. */
export const ZServiceSettings = z.object({
  /**
   * Optional rather than defaulted so versions published before gRPC existed keep their hash;
   * absent means HTTP. `grpc` speaks HTTP/2 (h2c, or TLS when `scheme` is https).
   */
  protocol: z.enum(SERVICE_PROTOCOLS).optional(),
  grpc: ZGrpcSettings.optional(),
  scheme: z.enum(['http', 'https']).default('http'),
  tls: ZUpstreamTls.prefault({}),
  loadBalancer: ZLoadBalancer.prefault({}),
  timeouts: ZTimeouts.prefault({}),
  retries: ZRetries.prefault({}),
  healthCheck: ZHealthCheck.prefault({}),
  circuitBreaker: ZCircuitBreaker.prefault({}),
});
export type ServiceSettings = z.infer<typeof ZServiceSettings>;
