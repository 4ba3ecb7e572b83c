/**
 * The MCP comparison of the gateway bench (`--mcp`): the latency a tool call adds over the same
 * operation as a REST request through one gateway.
 */

import { freePort } from '@portico/testkit';
import { machineAtEnd, median, round, writeResult } from './bench-report';
import type { BenchRun } from './bench-run';
import { type FixedRateResult, fixedRate } from './fixed-rate-load';
import { buildGatewayBundle, startGateway } from './gateway-process';
import { ensureTools, startNginx } from './reference-servers';

/** The `--workers`, `--rate`, `--seconds` and `--rounds` of the run. */
export interface McpComparisonSettings {
  readonly workers: number;
  readonly rate: number;
  readonly seconds: number;
  readonly rounds: number;
}

/**
 * `--mcp`: one gateway with an MCP endpoint on the keyed API; rounds of, in turn, the upstream
 * direct, `GET /bench/items/1` with the key, and a `tools/call` of `getItem` with `{ id: '1' }`
 * (the same upstream request, the same key, plan, rate limit, quota and analytics). Each at
 * `--rate` req/s open loop; the medians of the rounds' p50s give each path's added latency over
 * the upstream, and their ratio (tool call / REST).
 */
export async function runMcpComparison(
  run: BenchRun,
  settings: McpComparisonSettings,
): Promise<void> {
  ensureTools();
  buildGatewayBundle();
  const [upstreamPort, nginxPort, gatewayPort, gatewayStatusPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  // nginx serves as the upstream only (its proxy port is unused here).
  await startNginx(run, { upstreamPort, proxyPort: nginxPort, workerProcesses: settings.workers });
  const gateway = await startGateway(run, {
    upstreamPort,
    port: gatewayPort,
    statusPort: gatewayStatusPort,
    workers: settings.workers,
    analytics: true,
    mcp: true,
  });
  const origin = `http://127.0.0.1:${gatewayPort}`;
  const restHeaders = { 'x-api-key': gateway.key };
  const mcpHeaders = {
    'x-api-key': gateway.key,
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': '2025-11-25',
  };
  const toolCall = {
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'getItem', arguments: { id: '1' } },
    }),
    failed: (text: string) => !text.includes('"result"') || text.includes('"isError":true'),
  };
  const seconds = Math.max(3, Math.round(settings.seconds / 2));
  // Warm both gateway paths (connections, JIT) before measuring.
  await fixedRate(origin, '/bench/items/1', restHeaders, settings.rate, 2);
  await fixedRate(origin, '/bench/mcp', mcpHeaders, settings.rate, 2, toolCall);
  console.log(
    `MCP mode: ${settings.rate} req/s for ${seconds} s per target, ${settings.rounds} rounds`,
  );
  const rounds: { direct: FixedRateResult; rest: FixedRateResult; toolCall: FixedRateResult }[] =
    [];
  for (let i = 0; i < settings.rounds; i++) {
    rounds.push({
      direct: await fixedRate(
        `http://127.0.0.1:${upstreamPort}`,
        '/items/1',
        {},
        settings.rate,
        seconds,
      ),
      rest: await fixedRate(origin, '/bench/items/1', restHeaders, settings.rate, seconds),
      toolCall: await fixedRate(origin, '/bench/mcp', mcpHeaders, settings.rate, seconds, toolCall),
    });
  }
  const directP50 = median(rounds.map((r) => r.direct.p50Ms));
  const restP50 = median(rounds.map((r) => r.rest.p50Ms));
  const toolP50 = median(rounds.map((r) => r.toolCall.p50Ms));
  const restAdded = restP50 - directP50;
  const toolAdded = toolP50 - directP50;
  const failures = rounds.reduce((n, r) => n + r.rest.failures + r.toolCall.failures, 0);
  console.log('\ntarget                                   p50 ms   p99 ms (medians of rounds)');
  for (const [name, key] of [
    ['upstream direct', 'direct'],
    ['REST GET /bench/items/1 (key, limits)', 'rest'],
    ['MCP tools/call getItem (key, limits)', 'toolCall'],
  ] as const) {
    const p50 = median(rounds.map((r) => r[key].p50Ms));
    const p99 = median(rounds.map((r) => r[key].p99Ms));
    console.log(`${name.padEnd(40)}${p50.toFixed(3).padStart(7)}  ${p99.toFixed(3).padStart(7)}`);
  }
  console.log(
    `\nadded over the upstream: REST ${restAdded.toFixed(3)} ms, tool call ${toolAdded.toFixed(3)} ms; tool call / REST = ${(toolAdded / restAdded).toFixed(2)} (tool call ${(toolP50 - restP50).toFixed(3)} ms slower); failures ${failures}`,
  );
  const result = {
    benchmark: 'gateway-mcp',
    at: new Date().toISOString(),
    machine: machineAtEnd(),
    settings: {
      fixedRate: settings.rate,
      seconds,
      rounds: settings.rounds,
      gatewayWorkers: settings.workers,
    },
    rounds,
    directP50Ms: directP50,
    restP50Ms: restP50,
    toolCallP50Ms: toolP50,
    restAddedP50Ms: round(restAdded),
    toolCallAddedP50Ms: round(toolAdded),
    toolCallOverRestAddedRatio: round(toolAdded / restAdded),
    failures,
  };
  writeResult('gateway-mcp', result, result.at);
}
