export { type CertificateFolder, makeCertificateFolder } from './certificate-folder';
export {
  exitWithin,
  type ProcessOptions,
  REPO_ROOT,
  type RunningProcess,
  runToCompletion,
  startProcess,
} from './child-process';
export {
  type IssuedCertificate,
  issueClientCertificate,
  makeCertificateAuthority,
} from './client-certificates';
export { type ControlPlane, type ControlPlaneOptions, startControlPlane } from './control-plane';
export { documentedYamlBlocks, documentedYamlExample } from './documented-examples';
export { catalogueStatuses, documentedErrorCodes } from './error-docs';
export { fixtureValue } from './fixture-value';
export { freePort } from './free-port';
export {
  type GatewayProcess,
  type GatewayProcessOptions,
  startGatewayProcess,
} from './gateway-process';
export {
  apiOf,
  forwardingGatewayState,
  type GatewayState,
  writeLastKnownGood,
} from './gateway-state';
export { contentDigest, type SignOptions, signHttpRequest } from './http-signer';
export {
  type Http2Answer,
  type HttpsAnswer,
  http2RequestOnLoopback,
  httpsRequestOnLoopback,
} from './https-client';
export { GET_ITEM_TOOL } from './mcp-tools';
export { answersPing, RedisServer, startRedisServer } from './redis-server';
export {
  type CertificatePair,
  makeCertificatePair,
  peerCertificate,
} from './server-certificates';
export { eventually, type WaitOptions, waitFor } from './wait-for';
export { startWorkerProcess, type WorkerProcessOptions } from './worker-process';
