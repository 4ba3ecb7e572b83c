'use client';

import { useState } from 'react';

/**
 * An API's MCP endpoint and a client configuration to paste into an MCP client (the
 * `mcpServers` shape Claude Desktop, Cursor and others read). The console does not know the
 * address clients reach the gateways on, so the operator types it once here.
 */
export function McpEndpoint({ apiName, endpoint }: { apiName: string; endpoint: string }) {
  const [origin, setOrigin] = useState('https://gateway.example.com');
  const url = `${origin.replace(/\/+$/, '')}${endpoint}`;
  const snippet = JSON.stringify(
    {
      mcpServers: {
        [apiName]: { type: 'http', url, headers: { 'x-api-key': '<your API key>' } },
      },
    },
    null,
    2,
  );
  return (
    <div className="form">
      <p style={{ marginTop: 0 }}>
        The gateway answers MCP (Streamable HTTP) at <code>{endpoint}</code>. Callers use the same
        API keys and plans as REST: each sees only the tools of the routes its plan includes, and
        each tool call counts as one request.
      </p>
      <div className="field">
        <label htmlFor="mcp-gateway-origin">Gateway address clients use</label>
        <input
          id="mcp-gateway-origin"
          value={origin}
          onChange={(e) => setOrigin(e.target.value)}
          placeholder="https://gateway.example.com"
        />
      </div>
      <div className="field">
        <span className="field-label">Endpoint</span>
        <code>{url}</code>
      </div>
      <div className="field">
        <span className="field-label">Client configuration</span>
        <pre className="mono" style={{ whiteSpace: 'pre-wrap' }}>
          {snippet}
        </pre>
        <div className="toolbar">
          <button
            type="button"
            className="small"
            onClick={() => void navigator.clipboard.writeText(snippet)}
          >
            Copy
          </button>
        </div>
      </div>
    </div>
  );
}
