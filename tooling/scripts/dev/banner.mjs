// The banner: how to reach everything, printed last (only once its curl line answers 200), again
// on Enter, and on demand with `npm run dev -- --banner`.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from './net.mjs';

export const DEMO_DEVELOPER_EMAIL = 'developer@demo.portico.local';
export const OPERATOR_EMAIL = 'admin@portico.local';
/** The demo APIs the printed key must reach (item by item, as a newcomer would try them). */
export const DEMO_CALLS = ['/orders', '/payments/charges'];

export function readDemoKey(stateDir) {
  const file = join(stateDir, 'demo-key');
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : null;
}

export async function gatewayStatus(gatewayUrl, path, key) {
  try {
    const res = await fetch(`${gatewayUrl}${path}`, {
      headers: key ? { 'x-api-key': key } : {},
      signal: AbortSignal.timeout(3000),
    });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return null;
  }
}

/** Waits until every demo call answers 200 with the key; the last statuses seen otherwise. */
export async function waitForDemoCalls({ gatewayUrl, key, timeoutMs }) {
  const deadline = Date.now() + timeoutMs;
  let statuses = [];
  while (Date.now() < deadline) {
    statuses = await Promise.all(DEMO_CALLS.map((p) => gatewayStatus(gatewayUrl, p, key)));
    if (statuses.every((s) => s === 200)) return { ok: true, statuses };
    await sleep(500);
  }
  return { ok: false, statuses };
}

export function bannerText({ env, key, portal, postgres, traffic }) {
  const gateway = `http://127.0.0.1:${env.PORTICO_GATEWAY_PORT}`;
  const lines = [
    '',
    '[dev] Portico is up.',
    `  console          http://localhost:${env.PORTICO_CONSOLE_PORT}   operator: ${OPERATOR_EMAIL} / ${env.PORTICO_DEMO_PASSWORD}`,
  ];
  if (portal)
    lines.push(
      `  developer portal http://localhost:${env.PORTICO_PORTAL_PORT}   developer: ${DEMO_DEVELOPER_EMAIL} / ${env.PORTICO_DEMO_DEVELOPER_PASSWORD}`,
    );
  else
    lines.push(
      `  demo developer   ${DEMO_DEVELOPER_EMAIL} / ${env.PORTICO_DEMO_DEVELOPER_PASSWORD} (owns demo-app)`,
    );
  lines.push(
    `  control plane    ${env.PORTICO_CONTROL_URL}   PORTICO_TOKEN=${env.PORTICO_BOOTSTRAP_TOKEN}`,
    `  gateway          ${gateway}   status on http://127.0.0.1:${env.PORTICO_GATEWAY_STATUS_PORT}/status`,
  );
  if (key) {
    lines.push(`  try it           curl -H "x-api-key: ${key}" ${gateway}${DEMO_CALLS[0]}`);
    for (const path of DEMO_CALLS.slice(1))
      lines.push(`                   curl -H "x-api-key: ${key}" ${gateway}${path}`);
  }
  lines.push(
    `  demo traffic     ${traffic ? 'a few calls a second (npm run dev -- --no-traffic turns it off)' : 'off'}`,
    `  database         ${postgres}`,
    `  node             ${process.version} (every app runs on it)`,
    '  secrets          .portico/dev.env',
    '  Press Enter to show this again (or run npm run dev -- --banner). Ctrl-C stops everything.',
    '',
  );
  return lines.join('\n');
}
