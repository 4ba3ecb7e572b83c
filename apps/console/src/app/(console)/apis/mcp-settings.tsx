'use client';

import { ZMcpSettings } from '@portico/config';
import {
  CheckControl,
  FieldsetError,
  ListInput,
  TextInput,
  useFormContext,
} from '../../../components/fields';
import type { Draft } from './api-draft';

/**
 * MCP: the gateway answers MCP for this API, with one tool per operation of its OpenAPI
 * document (which must be imported first), or relaying to the service when it is an MCP server.
 */
export function McpSettings({ mcp, hasDocument }: { mcp: Draft['mcp']; hasDocument: boolean }) {
  const form = useFormContext();
  const enabled = mcp?.enabled === true;
  const fromUpstream = mcp?.source === 'upstream';
  return (
    <fieldset>
      <legend>MCP</legend>
      <CheckControl
        label="Serve this API to MCP clients (agents)"
        checked={enabled}
        onCheck={(checked) =>
          form.set('mcp', { ...ZMcpSettings.parse(mcp ?? {}), enabled: checked })
        }
      />
      {enabled ? (
        <>
          <div className="form-row">
            <div className="field">
              <label htmlFor="mcp-source">Tools</label>
              <select
                id="mcp-source"
                value={fromUpstream ? 'upstream' : 'openapi'}
                onChange={(e) => form.set('mcp.source', e.target.value)}
              >
                <option value="openapi">One per operation of the OpenAPI document</option>
                <option value="upstream">The service's own (it is an MCP server)</option>
              </select>
            </div>
            <TextInput
              path="mcp.path"
              label="Endpoint path"
              hint="Below the base path."
              placeholder="/mcp"
            />
            {fromUpstream ? (
              <TextInput path="mcp.upstreamPath" label="Service's MCP path" placeholder="/mcp" />
            ) : null}
          </div>
          {!fromUpstream && !hasDocument ? (
            <p className="error">
              Import an OpenAPI document for this API first: tools are made from its operations.
            </p>
          ) : null}
          <div className="form-row">
            <ListInput
              path="mcp.include"
              label={fromUpstream ? 'Only these tools' : 'Only these operations'}
              hint={
                fromUpstream
                  ? 'Tool names; empty offers all.'
                  : 'operationId or “GET /path”; empty offers all.'
              }
            />
            <ListInput
              path="mcp.exclude"
              label={fromUpstream ? 'Never these tools' : 'Never these operations'}
            />
          </div>
        </>
      ) : null}
      <FieldsetError path="mcp" />
    </fieldset>
  );
}
