#!/usr/bin/env node
/**
 * A stand-in for Prisma's native `schema-engine` binary, so every `prisma` command works without
 * downloading it (prisma.config.ts points PRISMA_SCHEMA_ENGINE_BINARY here). It copies the
 * binary's command-line interface as Prisma 7.10's CLI uses it:
 *
 *   schema-engine --version
 *   schema-engine --datasource '{"url":…}' cli can-connect-to-database|create-database|drop-database
 *   schema-engine [--datamodels <file>]… [--datasource '{"url":…}']   (JSON-RPC, one message a line)
 *
 * and forwards each JSON-RPC call to the same engine commit compiled to WebAssembly
 * (./offline-engine.mjs). The RPC protocol is internal to Prisma: re-test on every upgrade.
 */
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import pg from 'pg';
import {
  lastPanicMessage,
  openSchemaEngine,
  schemaEngineVersion,
  withDatabase,
} from './offline-engine.mjs';

// The CLI cancels a whole command if disposal hangs; keep shutdown bounded.
const SHUTDOWN_TIMEOUT_MS = 10_000;

function parseArgs(argv) {
  const args = { datamodels: [], datasourceUrl: undefined, cli: undefined, version: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--version' || arg === '-V') args.version = true;
    else if (arg === '--datamodels') args.datamodels.push(argv[++i]);
    else if (arg === '--datasource') args.datasourceUrl = JSON.parse(argv[++i] ?? '{}').url;
    // Accepted for compatibility; the Wasm engine reads preview features from the schema itself.
    else if (arg === '--enabled-preview-features' || arg === '--extension-types') i++;
    else if (arg === 'cli') args.cli = argv[++i];
  }
  return args;
}

// ------------------------------------------------------------------ `cli` subcommands

/**
 * The CLI reads a failed subcommand's stderr as JSON log lines, skips the first line, and looks for
 * an ERROR from `schema_engine::logger` with `error_code` (P1003 makes `migrate dev` offer to
 * create the database). Nothing else may be written to stderr on this path.
 */
function failSubcommand(errorCode, message) {
  const line = (level, fields) =>
    JSON.stringify({ level, target: 'schema_engine::logger', fields });
  process.stderr.write(
    `${line('INFO', { message: 'Starting schema engine CLI' })}\n${line('ERROR', {
      ...(errorCode ? { error_code: errorCode } : {}),
      message,
    })}\n`,
  );
  process.exit(1);
}

/** Maps a pg connection error to the Prisma error the native engine reports. */
function describeConnectionError(error, url) {
  const address = `${url.hostname}:${url.port || '5432'}`;
  const database = decodeURIComponent(url.pathname.slice(1));
  switch (error.code) {
    case '3D000':
      return [
        'P1003',
        `Database \`${database}\` does not exist on the database server at \`${address}\`.`,
      ];
    case '28P01':
    case '28000':
      return [
        'P1000',
        `Authentication failed against database server at \`${address}\`, the provided database credentials for \`${decodeURIComponent(url.username)}\` are not valid.`,
      ];
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
      return [
        'P1001',
        `Can't reach database server at \`${address}\`\n\nPlease make sure your database server is running at \`${address}\`.`,
      ];
    default:
      return [undefined, error.message];
  }
}

async function withClient(connectionString, run) {
  const client = new pg.Client({ connectionString });
  try {
    await client.connect();
    return await run(client);
  } finally {
    await client.end().catch(() => {});
  }
}

async function runSubcommand(command, datasourceUrl) {
  if (!datasourceUrl) failSubcommand(undefined, `cli ${command} needs --datasource '{"url":…}'`);
  const url = new URL(datasourceUrl);
  const database = decodeURIComponent(url.pathname.slice(1));
  // CREATE/DROP DATABASE cannot run inside the target database: use the server's maintenance one.
  const maintenanceUrl = withDatabase(datasourceUrl, 'postgres');
  const quoted = `"${database.replaceAll('"', '""')}"`;
  try {
    if (command === 'can-connect-to-database') {
      await withClient(datasourceUrl, (client) => client.query('SELECT 1'));
    } else if (command === 'create-database') {
      await withClient(maintenanceUrl, (client) => client.query(`CREATE DATABASE ${quoted}`));
      process.stdout.write(`Database '${database}' was successfully created.\n`);
    } else if (command === 'drop-database') {
      await withClient(maintenanceUrl, (client) => client.query(`DROP DATABASE ${quoted}`));
      process.stdout.write(`The database was successfully dropped.\n`);
    } else {
      failSubcommand(undefined, `Unknown schema engine subcommand: cli ${command}`);
    }
  } catch (error) {
    const [code, message] = describeConnectionError(error, url);
    failSubcommand(code, message);
  }
  process.exit(0);
}

// ------------------------------------------------------------------ JSON-RPC server

/** `createDatabase` is a native-binary RPC the Wasm engine lacks; plain pg does the same job. */
async function createDatabaseRpc(params) {
  const datasourceUrl = params?.datasource?.url;
  if (params?.datasource?.tag !== 'ConnectionString' || !datasourceUrl) {
    throw new Error('The offline schema engine creates databases from a connection string only.');
  }
  const databaseName = decodeURIComponent(new URL(datasourceUrl).pathname.slice(1));
  await withClient(withDatabase(datasourceUrl, 'postgres'), (client) =>
    client.query(`CREATE DATABASE "${databaseName.replaceAll('"', '""')}"`),
  );
  return { databaseName };
}

function errorReply(id, error) {
  const message = error instanceof Error ? error.message : String(error);
  return {
    jsonrpc: '2.0',
    id,
    error: {
      code: 4466,
      message: 'An error happened. Check the data field for details.',
      data: { is_panic: false, message, error_code: error?.code, meta: error?.meta },
    },
  };
}

async function serveRpc({ datamodels, datasourceUrl }) {
  if (!datasourceUrl) {
    // The Wasm engine reaches the database through a driver adapter it opens at start-up.
    throw new Error('The offline schema engine needs a datasource URL (set DATABASE_URL).');
  }
  const send = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);
  /** @type {{ id: unknown } | undefined} */
  let current;
  // A Rust panic traps the wasm, sometimes outside any awaited promise, and leaves the instance
  // unusable. Answer the request in flight as a panic (the CLI then reports it, and exits non-zero)
  // and exit with the native engine's panic status.
  process.on('uncaughtException', (error) => {
    const message = lastPanicMessage() || error.stack || String(error);
    if (current) {
      send({
        jsonrpc: '2.0',
        id: current.id,
        error: { code: 4466, message, data: { is_panic: true, message, error: { message } } },
      });
    }
    process.stderr.write(
      `${JSON.stringify({ level: 'ERROR', target: 'schema_engine::logger', fields: { message } })}\n`,
    );
    process.exit(101);
  });

  const schemaFiles = await Promise.all(
    datamodels.map(async (file) => [file, await readFile(file, 'utf8')]),
  );
  const engine = await openSchemaEngine({
    datamodels: schemaFiles,
    connectionString: datasourceUrl,
    // Engine logs go to stderr as JSON lines, where the CLI collects them for error reports.
    log: (line) => process.stderr.write(`${line}\n`),
  });

  // The engine asks the CLI to print (for `migrate diff`) by sending it a request; the CLI's
  // replies arrive on stdin beside its own requests, told apart by having no `method`.
  const pendingPrints = new Map();
  let nextPrintId = 1;
  const printOnCli = (content) =>
    new Promise((resolve) => {
      const id = nextPrintId++;
      pendingPrints.set(id, resolve);
      send({ jsonrpc: '2.0', id, method: 'print', params: { content } });
    });

  async function handle(request) {
    current = request;
    try {
      if (request.method === 'createDatabase') {
        return send({
          jsonrpc: '2.0',
          id: request.id,
          result: await createDatabaseRpc(request.params),
        });
      }
      const result = await engine.call(request.method, request.params ?? {});
      if (request.method === 'diff') {
        // The native engine prints the diff itself and answers only with the exit code.
        if (typeof result.stdout === 'string' && result.stdout.length > 0) {
          await printOnCli(result.stdout);
        }
        return send({ jsonrpc: '2.0', id: request.id, result: { exitCode: result.exitCode } });
      }
      send({ jsonrpc: '2.0', id: request.id, result: result ?? null });
    } catch (error) {
      send(errorReply(request.id, error));
    } finally {
      current = undefined;
    }
  }

  // The CLI sends one request at a time; a chain keeps that order even if it ever pipelines.
  let queue = Promise.resolve();
  const shutdown = once(async () => {
    const timer = setTimeout(() => process.exit(1), SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    await queue.catch(() => {});
    await engine.dispose().catch(() => {});
    // The engine leaves timers (up to 60 s) behind; exiting explicitly keeps the CLI fast.
    process.exit(0);
  });

  const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  lines.on('line', (line) => {
    if (line.trim() === '') return;
    let message;
    try {
      message = JSON.parse(line);
    } catch {
      send({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
      return;
    }
    if (message.method === undefined) {
      pendingPrints.get(message.id)?.();
      pendingPrints.delete(message.id);
      return;
    }
    queue = queue.then(() => handle(message));
  });
  lines.on('close', () => {
    // Nobody is left to answer print requests; let their handlers finish.
    for (const resolve of pendingPrints.values()) resolve();
    pendingPrints.clear();
    shutdown();
  });
  // The CLI ends stdin and then terminates the engine at once; still close pools and shadows.
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

function once(fn) {
  let started;
  return () => {
    started ??= fn();
    return started;
  };
}

const args = parseArgs(process.argv.slice(2));
if (args.version) {
  process.stdout.write(`schema-engine-cli ${await schemaEngineVersion()}\n`);
  process.exit(0);
} else if (args.cli) {
  await runSubcommand(args.cli, args.datasourceUrl);
} else {
  await serveRpc(args).catch((error) => {
    process.stderr.write(
      `${JSON.stringify({ level: 'ERROR', target: 'schema_engine::logger', fields: { message: error.message } })}\n`,
    );
    process.exit(1);
  });
}
