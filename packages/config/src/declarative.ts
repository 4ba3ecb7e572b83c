import { z } from 'zod';
import { describeCollision, findApiCollisions } from './api-collisions';
import { ZNewApiFields } from './api-fields';
import { ZConsumerFields } from './consumer-fields';
import { declarativeCredentialIdentity, ZDeclarativeCredential } from './declarative-credentials';
import { ZPlanFields, ZPlanRouteNames } from './plan-fields';
import { ZRegistryFields } from './registry-fields';
import { MAX_SERVICE_TARGETS, ZServiceFields } from './service-fields';
import { ZName, ZTarget } from './service-settings';

/**
 * A target is `"host:port"` or `"[v6]:port"` in the file and `{ host, port, weight }` everywhere
 * else. The string form is unpacked first so both forms share one schema and one set of messages.
 */
const ZTargetEntry = z.preprocess((value, ctx) => {
  if (typeof value !== 'string') return value;
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:\s]+):(\d{1,5})$/.exec(value);
  if (!match?.[1]) {
    ctx.addIssue({
      code: 'custom',
      message: `target ${JSON.stringify(value)} must look like "host:port"`,
    });
    return z.NEVER;
  }
  return { host: match[1].replace(/^\[|\]$/g, ''), port: Number(match[2]) };
}, ZTarget);

const REGISTRY = ZRegistryFields.shape;

export const ZDeclarativeRegistry = z.object({
  name: REGISTRY.name,
  type: REGISTRY.type,
  address: REGISTRY.address.default(''),
  options: REGISTRY.options.default({}),
  /** Write-only: applied when present, never dumped; absent keeps what is stored. */
  credentials: REGISTRY.credentials.optional(),
});

const SERVICE = ZServiceFields.shape;

/** A service's settings sit beside its name in the file rather than under `settings`. */
export const ZDeclarativeService = SERVICE.settings
  .extend({
    name: SERVICE.name,
    description: SERVICE.description.optional(),
    targets: z.array(ZTargetEntry).max(MAX_SERVICE_TARGETS).default([]),
    discovery: SERVICE.discovery.optional(),
  })
  .superRefine((service, ctx) => {
    const hasTargets = service.targets.length > 0;
    if (hasTargets === (service.discovery !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['targets'],
        message: `service ${service.name} needs either static targets or a discovery reference, not ${hasTargets ? 'both' : 'neither'}`,
      });
    }
  });
export type DeclarativeService = z.infer<typeof ZDeclarativeService>;

/**
 * An API in the file: its fields as a new API gives them, with the service named rather than
 * referenced by id and the policies under `plugins`. The first keys are spelled out for the order
 * dump writes them in; every other field of an API follows as ZNewApiFields has it.
 */
function declarativeApiShape() {
  const { name, description, version, basePath, hosts, stripBasePath, visibility, auth, routes } =
    ZNewApiFields.shape;
  const { policies, ...others } = ZNewApiFields.shape;
  return {
    ...{ name, description, version, basePath, hosts, service: ZName },
    ...{ stripBasePath, visibility, auth, routes, plugins: policies },
    ...others,
    /**
     * The API's OpenAPI document, inline (a YAML/JSON object) or as text. Applied when present;
     * absent keeps the stored document (one uploaded in the console, say). Never dumped.
     */
    openapi: z
      .union([z.string().min(1).max(5_242_880), z.record(z.string(), z.unknown())])
      .optional(),
  };
}

export const ZDeclarativeApi = z.object(declarativeApiShape());
export type DeclarativeApi = z.infer<typeof ZDeclarativeApi>;

/**
 * A plan includes an API whole (its name) or only some of its routes (by route name), so a
 * consumer on the plan may call those routes and, over MCP, the tools made from them.
 */
export const ZDeclarativePlanApi = z.union([
  ZName,
  z
    .object({
      api: ZName,
      routes: ZPlanRouteNames,
    })
    .strict(),
]);
export type DeclarativePlanApi = z.infer<typeof ZDeclarativePlanApi>;

export function planApiName(entry: DeclarativePlanApi): string {
  return typeof entry === 'string' ? entry : entry.api;
}

/** Route names the entry limits the plan to; empty means the whole API. */
export function planApiRoutes(entry: DeclarativePlanApi): string[] {
  return typeof entry === 'string' ? [] : entry.routes;
}

const PLAN = ZPlanFields.shape;

/** A plan in the file names its APIs (instead of giving ids) and says `approval`. */
export const ZDeclarativePlan = z.object({
  name: PLAN.name,
  description: PLAN.description.optional(),
  apis: z.array(ZDeclarativePlanApi).default([]),
  rateLimit: PLAN.rateLimit.optional(),
  quota: PLAN.quota.optional(),
  public: PLAN.public.default(true),
  approval: PLAN.approvalRequired.default(false),
  redisFailurePolicy: PLAN.redisFailurePolicy.default('open'),
});
export type DeclarativePlan = z.infer<typeof ZDeclarativePlan>;

const CONSUMER = ZConsumerFields.shape;

export const ZDeclarativeConsumer = z.object({
  name: CONSUMER.name,
  description: CONSUMER.description.optional(),
  status: CONSUMER.status.default('active'),
  plans: z.array(ZName).default([]),
  /** Absent: the consumer's credentials are left as they are (see declarative-credentials.ts). */
  credentials: z.array(ZDeclarativeCredential).max(100).optional(),
});
export type DeclarativeConsumer = z.infer<typeof ZDeclarativeConsumer>;

/**
 * The `portico apply` file. Names are the identity of every entity, so the same file applied
 * twice changes nothing, and `portico dump` writes a file that applies as a no-op.
 */
export const ZDeclarativeConfig = z
  .object({
    registries: z.array(ZDeclarativeRegistry).default([]),
    services: z.array(ZDeclarativeService).default([]),
    apis: z.array(ZDeclarativeApi).default([]),
    plans: z.array(ZDeclarativePlan).default([]),
    consumers: z.array(ZDeclarativeConsumer).default([]),
  })
  .strict()
  .superRefine((doc, ctx) => {
    for (const kind of ['registries', 'services', 'apis', 'plans', 'consumers'] as const) {
      const firstIndex = new Map<string, number>();
      doc[kind].forEach((entity, index) => {
        const earlier = firstIndex.get(entity.name);
        if (earlier !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [kind, index, 'name'],
            message: `duplicate name ${entity.name}: ${kind}[${earlier}] already uses it`,
          });
        } else {
          firstIndex.set(entity.name, index);
        }
      });
    }
    const registries = new Set(doc.registries.map((r) => r.name));
    const services = new Set(doc.services.map((s) => s.name));
    const apis = new Set(doc.apis.map((a) => a.name));
    const plans = new Set(doc.plans.map((p) => p.name));
    doc.services.forEach((s, i) => {
      if (s.discovery && !registries.has(s.discovery.registry)) {
        ctx.addIssue({
          code: 'custom',
          path: ['services', i, 'discovery', 'registry'],
          message: `unknown registry ${s.discovery.registry}`,
        });
      }
    });
    doc.apis.forEach((a, i) => {
      if (!services.has(a.service)) {
        ctx.addIssue({
          code: 'custom',
          path: ['apis', i, 'service'],
          message: `unknown service ${a.service}`,
        });
      }
      a.routes.forEach((route, r) => {
        route.aggregate?.calls.forEach((call, c) => {
          if (!services.has(call.service))
            ctx.addIssue({
              code: 'custom',
              path: ['apis', i, 'routes', r, 'aggregate', 'calls', c, 'service'],
              message: `unknown service ${call.service}`,
            });
        });
      });
    });
    const routeNamesByApi = new Map(
      doc.apis.map((a) => [a.name, new Set(a.routes.map((r) => r.name))] as const),
    );
    doc.plans.forEach((p, i) => {
      p.apis.forEach((entry, j) => {
        const name = planApiName(entry);
        if (!apis.has(name)) {
          ctx.addIssue({
            code: 'custom',
            path: ['plans', i, 'apis', j],
            message: `unknown API ${name}`,
          });
          return;
        }
        planApiRoutes(entry).forEach((route, k) => {
          if (!routeNamesByApi.get(name)?.has(route))
            ctx.addIssue({
              code: 'custom',
              path: ['plans', i, 'apis', j, 'routes', k],
              message: `API ${name} has no route named ${route}`,
            });
        });
      });
    });
    const credentialOwners = new Map<string, string>();
    doc.consumers.forEach((c, i) => {
      c.credentials?.forEach((credential, j) => {
        const { kind, identifier } = declarativeCredentialIdentity(credential);
        const slot = `${kind}:${identifier}`;
        const owner = credentialOwners.get(slot);
        if (owner !== undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['consumers', i, 'credentials', j],
            message: `${kind} credential ${identifier} is already listed under consumer ${owner}`,
          });
        else credentialOwners.set(slot, c.name);
      });
      c.plans.forEach((name, j) => {
        if (!plans.has(name))
          ctx.addIssue({
            code: 'custom',
            path: ['consumers', i, 'plans', j],
            message: `unknown plan ${name}`,
          });
      });
    });
    for (const collision of findApiCollisions(doc.apis)) {
      const index = doc.apis.findIndex((a) => a.name === collision.second);
      ctx.addIssue({
        code: 'custom',
        path: ['apis', index, 'basePath'],
        message: describeCollision(collision),
      });
    }
  });
export type DeclarativeConfig = z.infer<typeof ZDeclarativeConfig>;
export type DeclarativeConfigInput = z.input<typeof ZDeclarativeConfig>;

/** Formats zod issues as `path.to[0].field: message` lines a person can act on. */
export function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out.length === 0 ? String(part) : `.${String(part)}`;
  }
  return out.length === 0 ? '(root)' : out;
}
