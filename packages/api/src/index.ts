export {
  CONTROL_ERRORS,
  type ControlErrorCode,
  controlCodeForStatus,
  controlCodeForTrpc,
} from './errors/control-errors';
export { type AppRouter, appRouter, createAppCaller } from './root';
export { MAX_OPENAPI_BYTES } from './services/apis/openapi-routes';
export {
  BOOTSTRAP_OWNER_EMAIL,
  type BootstrapOutcome,
  bootstrapOwner,
} from './services/auth/bootstrap-owner';
export { hashPassword } from './services/auth/passwords';
export {
  type Credentials,
  type ResolveActorDeps,
  resolveActor,
} from './services/auth/resolve-actor';
export {
  PORTAL_SESSION_COOKIE_NAME,
  SESSION_COOKIE_NAME,
  SESSION_TTL_SECONDS,
  sessionCookieNameFor,
} from './services/auth/session-cookie';
export {
  type SignInAttempt,
  SignInThrottle,
  SignInThrottledError,
  type SignInThrottleOptions,
  signInRetryAfterSeconds,
} from './services/auth/sign-in-throttle';
export {
  loggingMailer,
  type Mailer,
  type MailMessage,
  type SmtpMailerOptions,
  smtpMailer,
} from './services/mail/mailer';
export type {
  RegistryInstance,
  RegistryProbe,
  RegistryProbeTarget,
} from './services/registries/registry-probe';
export { PorticoError } from './services/shared/domain-errors';
export type {
  AnalyticsPipelineReader,
  AnalyticsPipelineSnapshot,
} from './services/usage/analytics-pipeline';
export * from './sync';
export {
  type Actor,
  type ApiContext,
  type ApiServices,
  type CookieWriter,
  OPERATOR_ROLES,
  type OperatorRole,
  type QuotaCounterReader,
  roleAtLeast,
} from './trpc';
