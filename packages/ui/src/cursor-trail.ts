/**
 * The pages of a cursor-paged list a person has walked, kept in one URL parameter as the
 * dot-separated cursors the server returned (its cursors are base64url, without dots). Previous
 * drops the last cursor and Next appends the server's `nextCursor`, so a reload or a shared link
 * lands on the same page without the server paging backwards.
 */
export interface CursorTrail {
  /** 0 for the first page. */
  index: number;
  /** The cursor to ask the server with; none on the first page. */
  cursor: string | undefined;
  /** The parameter's value one page back ('' on the second page). */
  previous: string;
  /** The parameter's value one page on, after `nextCursor`. */
  next: (nextCursor: string) => string;
}

/** Reads a trail from its URL parameter ('' or absent for the first page). */
export function cursorTrail(param: string | null | undefined): CursorTrail {
  const walked = param ? param.split('.').filter(Boolean) : [];
  return {
    index: walked.length,
    cursor: walked.at(-1),
    previous: walked.slice(0, -1).join('.'),
    next: (nextCursor) => [...walked, nextCursor].join('.'),
  };
}
