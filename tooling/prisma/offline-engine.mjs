/**
 * Prisma's schema engine compiled to WebAssembly, driven over node-postgres.
 *
 * Prisma 7's CLI only runs the native schema-engine binary, which it downloads from a host many
 * build machines cannot reach. The same engine build ships as WebAssembly; this module loads it
 * and gives it a PostgreSQL driver adapter with four bugs of @prisma/adapter-pg 7.10.1 worked
 * around (numbered as in /work/shared/PRISMA-OFFLINE.md). It leans on adapter internals
 * (`client`, `onError`, the queryable prototype), so the Prisma packages are pinned exactly and
 * this file must be re-tested on every Prisma upgrade.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import * as glue from '@prisma/schema-engine-wasm/schema_engine_bg';

// PostgreSQL type OIDs: the catalog's one-byte "char" and plain text.
const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

const SHADOW_DB_PREFIX = 'prisma_migrate_shadow_db_';
const MISSING_SHADOW_FACTORY = 'PostgreSQL shadow DB must be provided through an external factory';

/**
 * The engine's Rust panic hook reports the panic message here before the wasm traps (the glue
 * calls `global.PRISMA_WASM_PANIC_REGISTRY.set_message`; without it the report itself crashes).
 */
const panicRegistry = {
  message: '',
  set_message(message) {
    this.message = message;
  },
};
globalThis.PRISMA_WASM_PANIC_REGISTRY ??= panicRegistry;

/** The message of the last engine panic, or '' if none happened. */
export function lastPanicMessage() {
  return globalThis.PRISMA_WASM_PANIC_REGISTRY?.message ?? '';
}

/** @type {Promise<string> | undefined} */
let wasmLoaded;

/**
 * Instantiates the engine once per process and returns the path of the wasm file in use.
 * The CLI's own bundled wasm comes first: it is the exact engine commit the CLI was released with
 * (the npm package of that commit does not exist). The glue of @prisma/schema-engine-wasm is
 * identical across versions, so it drives either file; its own wasm is the fallback.
 */
export function loadSchemaEngineWasm() {
  wasmLoaded ??= (async () => {
    const candidates = [
      fileURLToPath(
        new URL('build/schema_engine_bg.wasm', import.meta.resolve('prisma/package.json')),
      ),
      fileURLToPath(
        new URL(
          'schema_engine_bg.wasm',
          import.meta.resolve('@prisma/schema-engine-wasm/schema_engine_bg'),
        ),
      ),
    ];
    let lastError;
    for (const file of candidates) {
      try {
        const module = new WebAssembly.Module(await readFile(file));
        const instance = new WebAssembly.Instance(module, { './schema_engine_bg.js': glue });
        glue.__wbg_set_wasm(instance.exports);
        instance.exports.__wbindgen_start();
        return file;
      } catch (error) {
        // A LinkError means the wasm's imports no longer match the glue: try the next file.
        if (!(error instanceof WebAssembly.LinkError)) throw error;
        lastError = error;
      }
    }
    throw lastError;
  })();
  return wasmLoaded;
}

/** The engine's version string, as the native binary's `--version` reports it. */
export async function schemaEngineVersion() {
  await loadSchemaEngineWasm();
  return glue.version();
}

/** Returns the same connection string pointing at another database on the same server. */
export function withDatabase(connectionString, database) {
  const url = new URL(connectionString);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

let queryablePatched = false;

/**
 * Fix 1: adapter-pg cannot map the catalog type "char" (OID 18), which the engine reads when it
 * describes a database (prisma/orm#27403). Its values arrive as strings, so reporting the column
 * as text is exact. The patch goes on the shared queryable prototype because transactions are
 * separate queryable objects the adapter creates internally.
 */
function patchQueryable(adapter) {
  if (queryablePatched) return;
  let proto = Object.getPrototypeOf(adapter);
  while (proto && !Object.hasOwn(proto, 'performIO')) proto = Object.getPrototypeOf(proto);
  if (!proto)
    throw new Error('@prisma/adapter-pg changed: performIO not found; re-check the offline engine');
  const performIO = proto.performIO;
  proto.performIO = async function performIOWithCharAsText(query) {
    const result = await performIO.call(this, query);
    for (const field of result?.fields ?? []) {
      if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
    }
    return result;
  };
  queryablePatched = true;
}

/**
 * The driver-adapter factory the Wasm engine calls to reach PostgreSQL. It remembers every
 * adapter it opened so the process can close all pools before exiting: the engine's `free()`
 * leaves them open, and an open pool keeps Node alive.
 */
class OfflinePgAdapterFactory {
  provider = 'postgres';
  adapterName = '@prisma/adapter-pg';
  /** @type {Set<{ dispose(): Promise<void> }>} */
  #open = new Set();
  #url;
  #schema;

  constructor(connectionString) {
    this.#url = connectionString;
    // Prisma URLs name the schema in `?schema=`; pg ignores it, the adapter takes it as an option.
    this.#schema = new URL(connectionString).searchParams.get('schema') ?? undefined;
  }

  async connect() {
    return this.#openAdapter(this.#url);
  }

  /**
   * Fix 2: adapter-pg's own version builds `new pg.Pool({ connectionString, database })`, and pg
   * lets the connection string win, so its "shadow" database is the main one: migrations are
   * replayed onto the developer's database. Here the shadow gets its own URL, and is dropped when
   * the engine (or process shutdown) disposes it.
   */
  async connectToShadowDb() {
    const main = await this.#openAdapter(this.#url);
    const name = `${SHADOW_DB_PREFIX}${randomUUID()}`;
    await main.executeScript(`CREATE DATABASE "${name}"`);
    const shadow = await this.#openAdapter(withDatabase(this.#url, name));
    const closeShadow = shadow.dispose;
    shadow.dispose = async () => {
      await closeShadow();
      try {
        await main.executeScript(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await main.dispose();
      }
    };
    return shadow;
  }

  /** Closes every adapter still open, newest first so shadows are dropped before their mains. */
  async disposeAll() {
    for (const adapter of [...this.#open].reverse()) {
      await adapter.dispose().catch(() => {});
    }
  }

  async #openAdapter(connectionString) {
    const options = this.#schema ? { schema: this.#schema } : undefined;
    const adapter = await new PrismaPg({ connectionString }, options).connect();
    patchQueryable(adapter);
    // Fix 3: executeScript splits on ";", which breaks `DO $$ … $$` blocks and plpgsql bodies.
    // One simple-protocol multi-statement query is what the native engine sends.
    adapter.executeScript = async (script) => {
      try {
        await adapter.client.query(script);
      } catch (error) {
        adapter.onError(error);
      }
    };
    // Disposal is idempotent: the engine and the shutdown path may both ask.
    const release = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      if (!this.#open.delete(adapter)) return;
      await release();
    };
    this.#open.add(adapter);
    return adapter;
  }
}

/**
 * Opens the engine on one database.
 * @param {{ datamodels: Array<[string, string]>, connectionString: string, log?: (line: string) => void }} options
 *   datamodels are [path, content] pairs of the Prisma schema files.
 */
export async function openSchemaEngine({ datamodels, connectionString, log = () => {} }) {
  await loadSchemaEngineWasm();
  const factory = new OfflinePgAdapterFactory(connectionString);
  const engine = await glue.SchemaEngine.new(
    // `migrate diff` starts the engine without --datamodels; an empty list makes it panic.
    { datamodels: datamodels.length > 0 ? datamodels : undefined },
    log,
    bindMigrationAwareSqlAdapterFactory(factory),
  );

  /** Runs one engine method; `method` uses the CLI's JSON-RPC names. */
  async function call(method, params) {
    const name = method === 'getDatabaseVersion' ? 'version' : method;
    if (typeof engine[name] !== 'function' || name === 'free' || name === 'constructor') {
      throw new Error(`The offline schema engine does not support "${method}".`);
    }
    try {
      return await engine[name](params);
    } catch (error) {
      // Fix 4: after `migrate dev` applies a pending migration, evaluateDataLoss/createMigration
      // need a schema cache that only devDiagnostic fills; fill it and retry once.
      if (
        params?.migrationsList &&
        error instanceof Error &&
        error.message.includes(MISSING_SHADOW_FACTORY)
      ) {
        await engine.devDiagnostic({
          migrationsList: params.migrationsList,
          filters: params.filters ?? { externalTables: [], externalEnums: [] },
        });
        return await engine[name](params);
      }
      throw error;
    }
  }

  async function dispose() {
    engine.free();
    await factory.disposeAll();
  }

  return { call, dispose };
}
