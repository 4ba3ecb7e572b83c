import { z } from 'zod';

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export const ZHttpMethod = z.enum(HTTP_METHODS);
export type HttpMethod = z.infer<typeof ZHttpMethod>;

/** `/`, or `/segment(/segment)*` without a trailing slash, dot segments or encoded characters. */
export const ZBasePath = z
  .string()
  .max(200)
  .regex(
    /^\/$|^(\/[a-zA-Z0-9._~!$&'()*+,;=:@-]+)+$/,
    'must be "/" or start with "/", have no trailing slash and use only unreserved path characters',
  )
  .refine(
    (p) => !p.split('/').some((s) => s === '.' || s === '..'),
    'must not contain "." or ".." segments',
  );

/** Host names an API answers on; `*.example.com` matches one label. Empty list = any host. */
export const ZApiHost = z
  .string()
  .max(253)
  .regex(
    /^(\*\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]*[a-z0-9])?(:\d{1,5})?$/,
    'must be a lower-case host name, optionally starting with "*."',
  );

/**
 * Route path pattern relative to the API's base path: literal segments, `:param` for one
 * segment, and a final `*` for the rest of the path.
 */
export const ZRoutePath = z
  .string()
  .max(500)
  .regex(
    /^\/(([a-zA-Z0-9._~!$&'()+,;=@-]+|:[a-zA-Z_][a-zA-Z0-9_]*)(\/|$))*(\*)?$/,
    'must start with "/" and use literal segments, ":param" segments and an optional final "*"',
  );

/** `{params.id}`, `{query.q}` or `{<call>.<field.path>}` inside an aggregate call's path. */
const TEMPLATE_REF = /\{([a-zA-Z_][a-zA-Z0-9_]*)\.([a-zA-Z0-9_.-]+)\}/g;

/** The names an aggregate call's path refers to (`params`, `query` or earlier calls). */
export function aggregateTemplateSources(path: string): string[] {
  return [...path.matchAll(TEMPLATE_REF)].map((m) => m[1] as string);
}

/** One backend call of a composite route. */
export const ZAggregateCall = z.object({
  name: z
    .string()
    .max(50)
    .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be an identifier (letters, digits, "_")')
    .refine((n) => n !== 'params' && n !== 'query', 'params and query are reserved'),
  /** The service called, by name; an HTTP service. */
  service: z.string().min(1).max(100),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
  /** Path and query sent to the service; `{params.x}`, `{query.x}` and `{call.field}` are filled in. */
  path: z.string().startsWith('/').max(2000),
  timeoutMs: z.number().int().min(1).max(600_000).default(5_000),
  /** The key the answer goes under; absent merges its fields at the top level. */
  into: z.string().min(1).max(100).optional(),
  /** Only these top-level fields are kept (absent: all). */
  allow: z.array(z.string().max(200)).max(200).optional(),
  deny: z.array(z.string().max(200)).max(200).default([]),
  /** Top-level field renames, old → new, applied after allow/deny. */
  rename: z.record(z.string().max(200), z.string().max(200)).default({}),
});
export type AggregateCall = z.infer<typeof ZAggregateCall>;

/** A composite route: one client request answered by several backend calls merged into one JSON body. */
export const ZAggregate = z
  .object({
    /** parallel: every call at once; sequential: in order, later paths may use earlier answers. */
    mode: z.enum(['parallel', 'sequential']).default('parallel'),
    /** fail: any failed call fails the response; partial: answer what arrived, marked. */
    onPartialFailure: z.enum(['fail', 'partial']).default('fail'),
    /** How the request counts against the consumer's plan: once, or once per backend call. */
    countAs: z.enum(['once', 'perCall']).default('once'),
    calls: z.array(ZAggregateCall).min(1).max(20),
  })
  .superRefine((aggregate, ctx) => {
    const earlier = new Set<string>();
    aggregate.calls.forEach((call, index) => {
      if (earlier.has(call.name))
        ctx.addIssue({
          code: 'custom',
          path: ['calls', index, 'name'],
          message: `duplicate call name ${call.name}`,
        });
      for (const source of aggregateTemplateSources(call.path)) {
        if (source === 'params' || source === 'query') continue;
        if (aggregate.mode !== 'sequential' || !earlier.has(source)) {
          ctx.addIssue({
            code: 'custom',
            path: ['calls', index, 'path'],
            message: `{${source}.…} must name an earlier call of a sequential aggregate`,
          });
        }
      }
      earlier.add(call.name);
    });
  });
export type Aggregate = z.infer<typeof ZAggregate>;

export const ZRoute = z.object({
  name: z.string().max(100).optional(),
  methods: z.array(ZHttpMethod).default([]),
  path: ZRoutePath.default('/*'),
  /** Makes the route composite: answered by these calls instead of the API's service. */
  aggregate: ZAggregate.optional(),
});
export type Route = z.infer<typeof ZRoute>;

export const ZKeyAuth = z.object({
  type: z.literal('key'),
  /** Name of a query parameter that may carry the key; off unless set. */
  queryParam: z.string().max(64).optional(),
});

/** An OAuth scope token (RFC 6749 §3.3): printable ASCII without spaces, quotes or backslashes. */
export const ZScope = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, 'a scope is printable ASCII without spaces, " or \\');

export const ZJwtAuth = z
  .object({
    type: z.literal('jwt'),
    jwksUrl: z.url().optional(),
    /** Shared HS256/384/512 secret; stored encrypted, delivered to gateways as a secret. */
    secretRef: z.string().max(100).optional(),
    issuer: z.string().max(500).optional(),
    audience: z.string().max(500).optional(),
    algorithms: z.array(z.string().max(10)).default(['RS256', 'ES256']),
    consumerClaim: z.string().max(100).default('sub'),
    clockSkewSeconds: z.number().int().min(0).max(300).default(30),
    /**
     * Scopes every request's token must carry (in its `scope` claim, space-separated, or `scp`).
     * Optional rather than defaulted so versions published before scopes existed keep their hash.
     */
    requiredScopes: z.array(ZScope).max(50).optional(),
    /** More scopes per route, by route name, on top of `requiredScopes`. */
    routeScopes: z.record(z.string().max(100), z.array(ZScope).max(50)).optional(),
  })
  .refine((a) => a.jwksUrl !== undefined || a.secretRef !== undefined, {
    message: 'jwt auth needs either jwksUrl or a shared secret',
  });

export const SIGNATURE_ALGORITHMS = ['hmac-sha256', 'ed25519'] as const;

/** A component identifier of RFC 9421: a derived component (`@…`) or a lower-case field name. */
const ZComponentName = z
  .string()
  .max(100)
  .regex(
    /^(@(method|target-uri|authority|scheme|request-target|path|query)|[a-z0-9!#$%&'*+.^_`|~-]+)$/,
    'must be a derived component (@method, @target-uri, @authority, @scheme, @request-target, @path, @query) or a lower-case header name',
  );

/**
 * HTTP Message Signatures (RFC 9421): each request is signed with a consumer's HMAC-SHA256
 * secret or Ed25519 key, named by `keyid`.
 */
export const ZSignatureAuth = z
  .object({
    type: z.literal('signature'),
    algorithms: z.array(z.enum(SIGNATURE_ALGORITHMS)).min(1).default(['hmac-sha256', 'ed25519']),
    /** Every signature must cover these; `@target-uri` covers @scheme, @authority, @path and @query. */
    requiredComponents: z.array(ZComponentName).max(30).default(['@method', '@authority', '@path']),
    /** A request with a body must cover `content-digest` (RFC 9530), checked against the body. */
    requireContentDigest: z.boolean().default(true),
    /** Refuse signatures without a `nonce` parameter. */
    requireNonce: z.boolean().default(false),
    /** The signature label to verify (absent: the first one in Signature-Input). */
    label: z
      .string()
      .regex(/^[a-z*][a-z0-9_.*-]{0,63}$/)
      .optional(),
    clockSkewSeconds: z.number().int().min(0).max(300).default(30),
    /** How long after `created` a signature is accepted (and remembered against replay). */
    maxAgeSeconds: z.number().int().min(1).max(3600).default(300),
  })
  .refine(
    (a) =>
      a.requiredComponents.includes('@method') &&
      (a.requiredComponents.includes('@target-uri') ||
        (a.requiredComponents.includes('@authority') && a.requiredComponents.includes('@path'))),
    {
      message:
        'requiredComponents must include @method and either @target-uri or both @authority and @path',
      path: ['requiredComponents'],
    },
  );

const PEM_CERTIFICATE =
  /^\s*-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----(\s*-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----)*\s*$/;

/**
 * Client certificates on the TLS listener: a certificate chaining to one of the API's CAs,
 * mapped to a consumer by its SHA-256 fingerprint or its subject.
 */
export const ZMtlsAuth = z.object({
  type: z.literal('mtls'),
  /** PEM certificates of the CAs this API trusts to issue client certificates. */
  caCertificates: z
    .array(z.string().max(65_536).regex(PEM_CERTIFICATE, 'must be PEM certificates'))
    .min(1)
    .max(20),
  /** How a trusted certificate finds its consumer credential. */
  matchBy: z.enum(['fingerprint', 'subject']).default('fingerprint'),
  /** Sends the client certificate upstream in the Client-Cert header (RFC 9440). */
  forwardClientCert: z.boolean().default(false),
});

export const ZNoAuth = z.object({ type: z.literal('none') });

/** A realm or similar quoted-string parameter of a challenge: printable, no quote or backslash. */
const ZChallengeParam = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x20\x21\x23-\x5B\x5D-\x7E]+$/, 'printable ASCII without " or \\');

/** HTTP Basic (RFC 7617) against the consumers' basic credentials. */
export const ZBasicAuth = z.object({
  type: z.literal('basic'),
  /** Sent in `WWW-Authenticate: Basic realm="…"`; the API's name when unset. */
  realm: ZChallengeParam.optional(),
});

/** OAuth2 token introspection (RFC 7662) of bearer tokens at an authorization server. */
export const ZIntrospectionAuth = z.object({
  type: z.literal('introspection'),
  /** The authorization server's introspection endpoint. */
  url: z.url({ protocol: /^https?$/ }),
  /** The gateway's client id at the authorization server (client_secret_basic). */
  clientId: z.string().min(1).max(200),
  /** Name of the Secret holding the client secret; stored encrypted, sent to gateways as a secret. */
  clientSecretRef: z.string().min(1).max(100),
  /** The introspection answer's member naming the consumer (by id or name). */
  consumerClaim: z.string().min(1).max(100).default('sub'),
  requiredScopes: z.array(ZScope).max(50).optional(),
  routeScopes: z.record(z.string().max(100), z.array(ZScope).max(50)).optional(),
  /** How long an active answer is reused (never past the token's `exp`). */
  cacheSeconds: z.number().int().min(0).max(3_600).default(60),
  /** A slower authorization server answers 503 GW_INTROSPECTION_UNAVAILABLE. */
  timeoutMs: z.number().int().min(100).max(30_000).default(2_000),
});

/**
 * Every single authentication method. ZApiAuth is a discriminated union on `type`; a new method
 * is one more member here (anyOf lists these, never itself).
 */
const SINGLE_AUTH_METHODS = [
  ZKeyAuth,
  ZJwtAuth,
  ZBasicAuth,
  ZIntrospectionAuth,
  ZSignatureAuth,
  ZMtlsAuth,
] as const;
export const ZSingleAuth = z.discriminatedUnion('type', SINGLE_AUTH_METHODS);
export type SingleAuth = z.infer<typeof ZSingleAuth>;

/**
 * Any of several methods ("key or jwt"). The first method whose credential the request carries
 * decides; a request carrying none of them is refused naming every accepted kind.
 */
export const ZAnyOfAuth = z.object({
  type: z.literal('anyOf'),
  methods: z
    .array(ZSingleAuth)
    .min(2, 'anyOf needs at least two methods')
    .max(6)
    .superRefine((methods, ctx) => {
      const seen = new Set<string>();
      methods.forEach((method, index) => {
        if (seen.has(method.type))
          ctx.addIssue({
            code: 'custom',
            path: [index, 'type'],
            message: `${method.type} is listed twice; list each method once`,
          });
        seen.add(method.type);
      });
      const bearers = methods.filter((m) => m.type === 'jwt' || m.type === 'introspection').length;
      if (bearers > 1)
        ctx.addIssue({
          code: 'custom',
          message: 'jwt and introspection both read "Authorization: Bearer"; list only one of them',
        });
    }),
});

export const ZApiAuth = z.discriminatedUnion('type', [...SINGLE_AUTH_METHODS, ZAnyOfAuth, ZNoAuth]);
export type ApiAuth = z.infer<typeof ZApiAuth>;

export const ZCors = z.object({
  allowOrigins: z.array(z.string().max(300)).default([]),
  allowMethods: z.array(ZHttpMethod).default(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']),
  allowHeaders: z.array(z.string().max(100)).default([]),
  exposeHeaders: z.array(z.string().max(100)).default([]),
  allowCredentials: z.boolean().default(false),
  maxAgeSeconds: z.number().int().min(0).max(86_400).default(600),
});

export const ZHeaderTransform = z.object({
  add: z.record(z.string().max(100), z.string().max(4096)).default({}),
  remove: z.array(z.string().max(100)).default([]),
});

export const ZRateLimitPeriod = z.enum(['second', 'minute', 'hour']);
export const ZQuotaPeriod = z.enum(['day', 'month']);

export const ZRateLimit = z.object({
  requests: z.number().int().min(1).max(1_000_000_000),
  per: ZRateLimitPeriod,
});
export type RateLimit = z.infer<typeof ZRateLimit>;

export const ZQuota = z.object({
  requests: z.number().int().min(1).max(1_000_000_000_000),
  per: ZQuotaPeriod,
});
export type Quota = z.infer<typeof ZQuota>;

/** `enforce` refuses invalid requests with 400; `report` lets them through and counts them. */
export const ZValidationMode = z.enum(['enforce', 'report']);
export type ValidationMode = z.infer<typeof ZValidationMode>;

/**
 * OpenAPI request validation against the API's stored OpenAPI 3.0/3.1 document. Operations are
 * matched on the path below the API's base path.
 */
export const ZRequestValidation = z.object({
  mode: ZValidationMode.default('enforce'),
  /** Per route (by route name): another mode for that route, or `off` to skip it. */
  routes: z.record(z.string().max(100), z.enum(['enforce', 'report', 'off'])).default({}),
  /** `report` checks JSON responses against the document and counts mismatches; never blocks. */
  responses: z.enum(['off', 'report']).default('off'),
});
export type RequestValidation = z.infer<typeof ZRequestValidation>;

/** Per-API policies, the `plugins` block of the declarative file. */
export const ZApiPolicies = z.object({
  cors: ZCors.optional(),
  ipAllow: z.array(z.string().max(50)).default([]),
  ipDeny: z.array(z.string().max(50)).default([]),
  requestHeaders: ZHeaderTransform.prefault({}),
  responseHeaders: ZHeaderTransform.prefault({}),
  cache: z
    .object({
      enabled: z.boolean().default(false),
      ttlSeconds: z.number().int().min(1).max(86_400).default(60),
      store: z.enum(['memory', 'redis']).default('memory'),
    })
    .optional(),
  maxHeaderBytes: z.number().int().min(1024).max(1_048_576).default(16_384),
  maxBodyBytes: z.number().int().min(0).max(107_374_182_400).default(10_485_760),
  /** Applies per client IP where auth is `none`, and to anonymous callers. */
  anonymousRateLimit: ZRateLimit.optional(),
  trustedProxies: z.array(z.string().max(50)).default([]),
  validation: ZRequestValidation.optional(),
});
export type ApiPolicies = z.infer<typeof ZApiPolicies>;

/** What happens when Redis cannot answer within the limiter's budget. */
export const ZRedisFailurePolicy = z.enum(['open', 'closed']);
