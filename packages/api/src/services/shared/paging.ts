import { z } from 'zod';

/** Most rows one page of a list may hold; a bigger page is refused, never silently cut. */
export const MAX_PAGE_SIZE = 100;

/**
 * The paging half of every paged list's input: a page size of 1 to 100 and the opaque cursor
 * the previous page returned. Lists add their own `search` and filters.
 */
export const ZPageInput = z.object({
  limit: z
    .number()
    .int()
    .min(1, { error: 'must be at least 1' })
    .max(MAX_PAGE_SIZE, { error: `must be at most ${MAX_PAGE_SIZE} rows a page` })
    .default(25),
  cursor: z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9_-]+$/, { error: 'must be a nextCursor a page returned' })
    .optional(),
});
export type PageInput = z.infer<typeof ZPageInput>;

/** The search box of a paged list: trimmed, and empty means no search. */
export const ZPageSearch = z
  .string()
  .trim()
  .max(200)
  .optional()
  .transform((s) => s || undefined);

/** One page of a list: its rows, how many rows match in all, and the cursor of the next page. */
export interface Page<Item> {
  items: Item[];
  total: number;
  /** Null on the last page. */
  nextCursor: string | null;
}

/** What a page's query adds to its `findMany`: the window after the cursor row. */
export interface PageWindow {
  take: number;
  skip?: number;
  cursor?: { id: string };
}

// The cursor is the last row's id, encoded so clients treat it as opaque and never build one.
const encodeCursor = (id: string) => Buffer.from(id, 'utf8').toString('base64url');
const decodeCursor = (cursor: string) => Buffer.from(cursor, 'base64url').toString('utf8');

/**
 * One page of rows in Postgres with keyset paging: `find` runs the list's `findMany` (its
 * `where` and a total `orderBy` that ends on `id`) with the window Prisma turns into a
 * `WHERE (sort, id) > (cursor row)`; `count` counts the same `where`. A row one past the page
 * tells whether there is a next page without a second query.
 */
export async function pageOf<Row extends { id: string }, Item>(
  input: PageInput,
  query: {
    find: (window: PageWindow) => Promise<Row[]>;
    count: () => Promise<number>;
    view: (row: Row) => Item;
  },
): Promise<Page<Item>> {
  const window: PageWindow = input.cursor
    ? { take: input.limit + 1, skip: 1, cursor: { id: decodeCursor(input.cursor) } }
    : { take: input.limit + 1 };
  const [rows, total] = await Promise.all([query.find(window), query.count()]);
  const hasMore = rows.length > input.limit;
  const page = hasMore ? rows.slice(0, input.limit) : rows;
  const last = page.at(-1);
  return {
    items: page.map(query.view),
    total,
    nextCursor: hasMore && last ? encodeCursor(last.id) : null,
  };
}

// Keyset paging needs a total order: every order ends on the unique id.

/** Name order, for lists people scan alphabetically. */
export function byName(): [{ name: 'asc' }, { id: 'asc' }] {
  return [{ name: 'asc' }, { id: 'asc' }];
}

/** Newest first, for lists of things issued over time (keys, subscriptions, accounts). */
export function newestFirst(): [{ createdAt: 'desc' }, { id: 'desc' }] {
  return [{ createdAt: 'desc' }, { id: 'desc' }];
}

/** A case-insensitive substring match of one text column. */
export interface TextMatch {
  contains: string;
  mode: 'insensitive';
}

/** The `OR` of a search over `fields` (any of them holds it), or nothing without a search. */
export function textSearch<Field extends string>(
  search: string | undefined,
  fields: readonly Field[],
): Partial<Record<Field, TextMatch>>[] | undefined {
  if (!search) return undefined;
  const match: TextMatch = { contains: search, mode: 'insensitive' };
  return fields.map((field) => {
    const one: Partial<Record<Field, TextMatch>> = {};
    one[field] = match;
    return one;
  });
}
