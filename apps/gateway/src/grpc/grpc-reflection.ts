import {
  type Client,
  type ClientDuplexStream,
  status as GrpcStatus,
  Metadata,
} from '@grpc/grpc-js';
import {
  decodeReflectionResponse,
  encodeReflectionRequest,
  fileDescriptorHead,
  fileDescriptorSetOf,
  type ReflectionResponse,
} from '@portico/grpc-schema';

/** v1 first; servers that predate it answer UNIMPLEMENTED and are asked the v1alpha way. */
const REFLECTION_PATHS = [
  '/grpc.reflection.v1.ServerReflection/ServerReflectionInfo',
  '/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo',
];

/**
 * Asks an instance for its schema over gRPC server reflection: the services it lists (less the
 * reflection service itself), the files declaring them and every file those import. Resolves to
 * a `FileDescriptorSet` (base64) for `compileDescriptorSet`; rejects with what went wrong.
 */
export async function reflectDescriptorSet(client: Client, timeoutMs: number): Promise<string> {
  let lastError: Error | null = null;
  for (const path of REFLECTION_PATHS) {
    try {
      return await reflectOver(client, path, timeoutMs);
    } catch (error) {
      lastError = error as Error;
      if ((error as { code?: number }).code !== GrpcStatus.UNIMPLEMENTED) break;
    }
  }
  throw lastError ?? new Error('server reflection failed');
}

async function reflectOver(client: Client, path: string, timeoutMs: number): Promise<string> {
  const stream: ClientDuplexStream<Uint8Array, Uint8Array> = client.makeBidiStreamRequest(
    path,
    (message: Uint8Array) => Buffer.from(message),
    (bytes: Buffer) => bytes,
    new Metadata(),
    { deadline: Date.now() + timeoutMs },
  );
  const waiting: { resolve(value: ReflectionResponse): void; reject(error: Error): void }[] = [];
  let failure: Error | null = null;
  stream.on('data', (bytes: Uint8Array) => {
    waiting.shift()?.resolve(decodeReflectionResponse(bytes));
  });
  stream.on('error', (error: Error) => {
    failure = error;
    for (const w of waiting.splice(0)) w.reject(error);
  });
  const ask = (
    message: Parameters<typeof encodeReflectionRequest>[0],
  ): Promise<ReflectionResponse> =>
    new Promise((resolve, reject) => {
      if (failure !== null) {
        reject(failure);
        return;
      }
      waiting.push({ resolve, reject });
      stream.write(encodeReflectionRequest(message));
    });
  try {
    const listed = await ask({ listServices: '*' });
    failIfError(listed);
    const services = (listed.listServicesResponse?.service ?? [])
      .map((s) => s.name ?? '')
      .filter((name) => name !== '' && !name.startsWith('grpc.reflection.'));
    if (services.length === 0) throw new Error('the server lists no service besides reflection');
    const files = new Map<string, Uint8Array>();
    const wanted: string[] = [];
    const take = (answer: ReflectionResponse) => {
      failIfError(answer);
      for (const bytes of answer.fileDescriptorResponse?.fileDescriptorProto ?? []) {
        const head = fileDescriptorHead(bytes);
        if (files.has(head.name)) continue;
        files.set(head.name, bytes);
        wanted.push(...head.dependency);
      }
    };
    for (const service of services) take(await ask({ fileContainingSymbol: service }));
    // Servers may answer a symbol with its file alone: fetch imports not sent yet.
    for (let name = wanted.shift(); name !== undefined; name = wanted.shift())
      if (!files.has(name)) take(await ask({ fileByFilename: name }));
    return fileDescriptorSetOf([...files.values()]);
  } finally {
    stream.end();
    stream.cancel();
  }
}

function failIfError(answer: ReflectionResponse): void {
  const error = answer.errorResponse;
  if (error !== undefined)
    throw Object.assign(new Error(error.errorMessage ?? 'reflection error'), {
      code: error.errorCode,
    });
}
