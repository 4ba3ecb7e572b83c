export { type HttpMatch, type HttpRoute, HttpRouteTable } from './http-routes';
export {
  isRepeatedPath,
  messageFromJson,
  messageToJson,
  scalarFromText,
  type Decoded,
} from './json-message';
export { compileProtoSet, type GrpcMethod, type HttpBinding, type ProtoSet } from './proto-set';
export { formatTimestamp, parseTimestamp } from './well-known-json';
