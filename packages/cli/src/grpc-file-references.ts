import { isAbsolute, resolve } from 'node:path';
import type { DocumentRewrite } from './declarative-file';

/** Reads a referenced file: text for proto sources, bytes for descriptor sets. */
export interface FileReader {
  readText(path: string): Promise<string>;
  readBytes(path: string): Promise<Uint8Array>;
}

/**
 * Inlines the files a declarative document's gRPC services refer to, so what is sent is the
 * document the control plane knows: `grpc.protoFiles` entries written `{ path: ./orders.proto }`
 * become the file's text, and `grpc.descriptorSetFile: ./shop.pb` becomes `grpc.descriptorSet`
 * (the file's bytes as base64). Paths are relative to the YAML file's folder (`baseDir`).
 */
export function inlineGrpcFiles(baseDir: string, reader: FileReader): DocumentRewrite {
  return async (document) => {
    const problems: { path: PropertyKey[]; message: string }[] = [];
    const services = document.services;
    if (!Array.isArray(services)) return problems;
    for (const [index, service] of services.entries()) {
      const grpc = isObject(service) ? service.grpc : undefined;
      if (!isObject(grpc)) continue;
      const at = ['services', index, 'grpc'];
      const files = grpc.protoFiles;
      if (isObject(files)) {
        for (const [name, entry] of Object.entries(files)) {
          if (!isObject(entry)) continue;
          const where = [...at, 'protoFiles', name];
          const path = entry.path;
          if (typeof path !== 'string' || Object.keys(entry).length !== 1) {
            problems.push({
              path: where,
              message: 'give the file as its source text or as { path: ./file.proto }',
            });
            continue;
          }
          try {
            files[name] = await reader.readText(resolvePath(baseDir, path));
          } catch (error) {
            problems.push({ path: [...where, 'path'], message: cannotRead(path, error) });
          }
        }
      }
      const setFile = grpc.descriptorSetFile;
      if (setFile === undefined) continue;
      if (typeof setFile !== 'string') {
        problems.push({
          path: [...at, 'descriptorSetFile'],
          message: 'expected the path of a protoc --descriptor_set_out file',
        });
        continue;
      }
      if (grpc.descriptorSet !== undefined) {
        problems.push({
          path: [...at, 'descriptorSetFile'],
          message: 'give descriptorSet or descriptorSetFile, not both',
        });
        continue;
      }
      try {
        const bytes = await reader.readBytes(resolvePath(baseDir, setFile));
        grpc.descriptorSet = Buffer.from(bytes).toString('base64');
        delete grpc.descriptorSetFile;
      } catch (error) {
        problems.push({ path: [...at, 'descriptorSetFile'], message: cannotRead(setFile, error) });
      }
    }
    return problems;
  };
}

function resolvePath(baseDir: string, path: string): string {
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

function cannotRead(path: string, error: unknown): string {
  return `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
