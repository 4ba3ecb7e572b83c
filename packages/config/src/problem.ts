import { z } from 'zod';

/**
 * The one problem+json (RFC 9457) shape every Portico HTTP surface answers errors with: the
 * gateway, the control plane's data-plane sync (`/dp/v1`), its registry (`/registry/v1`) and its
 * own HTTP routes. Each surface keeps a closed catalogue of codes (docs/errors.md lists them all);
 * this module writes and reads the document they share.
 */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** One row of a surface's error catalogue: the HTTP status the code is answered with, and a title. */
export interface ErrorCatalogueEntry {
  status: number;
  title: string;
}

/** A surface's closed list of error codes, each mapped to its status in one table. */
export type ErrorCatalogue<Code extends string = string> = Readonly<
  Record<Code, ErrorCatalogueEntry>
>;

export interface ProblemDocument<Code extends string = string> {
  /** `https://portico.dev/errors/<code>`: the code's entry in the error reference. */
  type: string;
  title: string;
  status: number;
  /** Stable, machine-readable; the catalogue's key. */
  code: Code;
  /** What happened and what to do about it, for a person. */
  detail: string;
  /** Same id as the `x-request-id` header and the server's log line. */
  requestId: string;
  /** The request path, where the surface reports it. */
  instance?: string;
}

/** Clients read any surface's problem with this; extension members are kept. */
export const ZProblemDocument = z.looseObject({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  code: z.string(),
  detail: z.string(),
  requestId: z.string(),
  instance: z.string().optional(),
});

/** The problem type URI of a code. */
export function problemType(code: string): string {
  return `https://portico.dev/errors/${code}`;
}

/** What a problem says about this occurrence: the detail, the request id and (optionally) the path. */
export interface ProblemAbout {
  detail: string;
  requestId: string;
  instance?: string;
}

/**
 * The problem document for `code` of `catalogue`; `extension` adds members a code documents
 * (the gateway's `violations`, a composite route's `failed`, …).
 */
export function problemDocument<Code extends string, Extension extends object = object>(
  catalogue: ErrorCatalogue<Code>,
  code: Code,
  about: ProblemAbout,
  extension?: Extension,
): ProblemDocument<Code> & Partial<Extension>;
export function problemDocument(
  catalogue: ErrorCatalogue,
  code: string,
  about: ProblemAbout,
  extension?: object,
): ProblemDocument {
  const { status, title } = catalogue[code] ?? { status: 500, title: 'Internal error' };
  const problem: ProblemDocument = {
    type: problemType(code),
    title,
    status,
    code,
    detail: about.detail,
    requestId: about.requestId,
  };
  if (about.instance !== undefined) problem.instance = about.instance;
  return extension === undefined ? problem : { ...problem, ...extension };
}
