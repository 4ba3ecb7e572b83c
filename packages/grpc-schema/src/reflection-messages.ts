import protobuf from 'protobufjs';

/** The server reflection protocol's messages (grpc/reflection/v1/reflection.proto, the parts read). */
const REFLECTION_PROTO = `syntax = "proto3";
package reflection;
message Request {
  string host = 1;
  oneof message_request {
    string file_by_filename = 3;
    string file_containing_symbol = 4;
    string list_services = 7;
  }
}
message Response {
  string valid_host = 1;
  oneof message_response {
    FileDescriptorResponse file_descriptor_response = 4;
    ListServiceResponse list_services_response = 6;
    ErrorResponse error_response = 7;
  }
}
message FileDescriptorResponse { repeated bytes file_descriptor_proto = 1; }
message ListServiceResponse { repeated ServiceResponse service = 1; }
message ServiceResponse { string name = 1; }
message ErrorResponse { int32 error_code = 1; string error_message = 2; }
message FileHead { string name = 1; repeated string dependency = 3; }
`;

interface ReflectionTypes {
  request: protobuf.Type;
  response: protobuf.Type;
  fileHead: protobuf.Type;
}

let types: ReflectionTypes | null = null;
function reflectionTypes(): ReflectionTypes {
  if (types === null) {
    const root = protobuf.parse(REFLECTION_PROTO).root;
    types = {
      request: root.lookupType('reflection.Request'),
      response: root.lookupType('reflection.Response'),
      fileHead: root.lookupType('reflection.FileHead'),
    };
  }
  return types;
}

/** One answer on a reflection stream, as far as a schema download reads it. */
export interface ReflectionResponse {
  fileDescriptorResponse?: { fileDescriptorProto?: Uint8Array[] };
  listServicesResponse?: { service?: { name?: string }[] };
  errorResponse?: { errorCode?: number; errorMessage?: string };
}

/** A reflection request: list the services, or ask for the file declaring a symbol or by name. */
export function encodeReflectionRequest(
  message: { listServices: string } | { fileContainingSymbol: string } | { fileByFilename: string },
): Uint8Array {
  const { request } = reflectionTypes();
  return request.encode(request.fromObject(message)).finish();
}

export function decodeReflectionResponse(bytes: Uint8Array): ReflectionResponse {
  const { response } = reflectionTypes();
  return response.toObject(response.decode(bytes), { defaults: false }) as ReflectionResponse;
}

/** A serialized FileDescriptorProto's name and imports. */
export function fileDescriptorHead(bytes: Uint8Array): { name: string; dependency: string[] } {
  const { fileHead } = reflectionTypes();
  const head = fileHead.toObject(fileHead.decode(bytes)) as {
    name?: string;
    dependency?: string[];
  };
  return { name: head.name ?? '', dependency: head.dependency ?? [] };
}

/** A FileDescriptorSet (base64) holding serialized FileDescriptorProtos as they are. */
export function fileDescriptorSetOf(files: readonly Uint8Array[]): string {
  const writer = protobuf.Writer.create();
  for (const file of files) writer.uint32(0x0a).bytes(file);
  return Buffer.from(writer.finish()).toString('base64');
}
