/** `google.api.http`'s extension number on MethodOptions (google/api/annotations.proto). */
export const HTTP_RULE_FIELD = 72295728;

/**
 * google/api/http.proto, the `HttpRule` messages of gRPC transcoding annotations: what Portico
 * reads of them, and a file proto tooling can load as that import.
 */
export const GOOGLE_API_HTTP_PROTO = `syntax = "proto3";
package google.api;
message HttpRule {
  string selector = 1;
  oneof pattern {
    string get = 2;
    string put = 3;
    string post = 4;
    string delete = 5;
    string patch = 6;
    CustomHttpPattern custom = 8;
  }
  string body = 7;
  string response_body = 12;
  repeated HttpRule additional_bindings = 11;
}
message CustomHttpPattern {
  string kind = 1;
  string path = 2;
}
`;
