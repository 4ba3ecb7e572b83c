export { compileDescriptorSet, descriptorSetOf } from './descriptor-set';
export { GOOGLE_API_HTTP_PROTO, HTTP_RULE_FIELD } from './google-api-http';
export { compileGrpcSchema, type GrpcSchemaSource } from './grpc-schema-source';
export { type HttpMatch, type HttpRoute, HttpRouteTable } from './http-routes';
export {
  type Decoded,
  isRepeatedPath,
  messageFromJson,
  messageToJson,
  scalarFromText,
} from './json-message';
export { compileProtoSet, type GrpcMethod, type HttpBinding, type ProtoSet } from './proto-set';
export {
  decodeReflectionResponse,
  encodeReflectionRequest,
  fileDescriptorHead,
  fileDescriptorSetOf,
  type ReflectionResponse,
} from './reflection-messages';
export { formatTimestamp, parseTimestamp } from './well-known-json';
