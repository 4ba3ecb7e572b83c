/**
 * An MCP tool over `GET /items/{id}`, as a snapshot's MCP settings carry it: the tool the MCP
 * tests and the MCP bench both call, so a change to the tool's shape reaches both.
 */
export const GET_ITEM_TOOL = {
  name: 'getItem',
  operation: 'getItem',
  method: 'GET',
  path: '/items/{id}',
  params: [{ name: 'id', in: 'path' }],
  inputSchema: {
    type: 'object',
    properties: { id: { type: 'string', minLength: 1 } },
    required: ['id'],
    additionalProperties: false,
  },
} as const;
