/** The request header src/proxy.ts sets to the page's path and query, so a layout can name it. */
export const REQUEST_PATH_HEADER = 'x-portico-path';
