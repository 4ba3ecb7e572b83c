import { type DeclarativeConfig, formatPath, ZDeclarativeConfig } from '@portico/config';
import { type Document, isMap, isNode, isScalar, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';

const UNKNOWN_KEY_MESSAGE =
  'unknown key: not part of the declarative format (see docs/yaml-format.md)';

/** One thing wrong with the file, located as precisely as the YAML allows. */
export interface FileProblem {
  /** `services[0].targets[1]`, or `(root)`; null for YAML syntax errors. */
  path: string | null;
  message: string;
  line: number | null;
  column: number | null;
}

export type LoadedDeclarativeFile =
  | {
      ok: true;
      /** The document as written (defaults not filled in): what the server validates and applies. */
      document: Record<string, unknown>;
      config: DeclarativeConfig;
    }
  | { ok: false; problems: FileProblem[] };

/**
 * Rewrites a parsed document before it is validated (the CLI inlines the files it refers to);
 * problems it returns are located in the file like validation problems.
 */
export type DocumentRewrite = (
  document: Record<string, unknown>,
) => Promise<{ path: PropertyKey[]; message: string }[]>;

/**
 * Parses and validates a declarative file without contacting anyone, so a broken file never
 * reaches the control plane. Every problem names the field path and its line and column.
 */
export function loadDeclarativeYaml(text: string): LoadedDeclarativeFile {
  const parsed = parseDeclarativeYaml(text);
  return parsed.ok ? validateDeclarative(parsed) : parsed;
}

/** As `loadDeclarativeYaml`, with `rewrite` applied between parsing and validation. */
export async function loadDeclarativeYamlWith(
  text: string,
  rewrite: DocumentRewrite,
): Promise<LoadedDeclarativeFile> {
  const parsed = parseDeclarativeYaml(text);
  if (!parsed.ok) return parsed;
  if (isPlainObject(parsed.document)) {
    const problems = await rewrite(parsed.document);
    if (problems.length > 0)
      return {
        ok: false,
        problems: problems.map(({ path, message }) => ({
          path: formatPath(path),
          message,
          ...locate(parsed.doc, parsed.lineCounter, path, false),
        })),
      };
  }
  return validateDeclarative(parsed);
}

interface ParsedYaml {
  ok: true;
  doc: Document;
  lineCounter: LineCounter;
  document: unknown;
}

function parseDeclarativeYaml(text: string): ParsedYaml | { ok: false; problems: FileProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((error) => {
        const position = lineCounter.linePos(error.pos[0]);
        return { path: null, message: error.message, line: position.line, column: position.col };
      }),
    };
  }
  const document: unknown = doc.toJS({ maxAliasCount: 100 });
  return { ok: true, doc, lineCounter, document };
}

function validateDeclarative({ doc, lineCounter, document }: ParsedYaml): LoadedDeclarativeFile {
  if (document === null || document === undefined) {
    // An empty file would declare "nothing exists"; refuse it rather than delete everything.
    return {
      ok: false,
      problems: [
        {
          path: '(root)',
          message: 'the file is empty; write {} to declare an empty configuration on purpose',
          line: 1,
          column: 1,
        },
      ],
    };
  }
  const result = ZDeclarativeConfig.safeParse(document);
  if (!result.success) {
    return { ok: false, problems: locateIssues(result.error.issues, doc, lineCounter) };
  }
  const unknownKeys = findUnknownKeys(document, result.data, []);
  if (unknownKeys.length > 0) {
    return {
      ok: false,
      problems: unknownKeys.map((path) => {
        const position = locate(doc, lineCounter, path, true);
        return {
          path: formatPath(path),
          message: UNKNOWN_KEY_MESSAGE,
          ...position,
        };
      }),
    };
  }
  // The schema accepted it, so the root is a mapping.
  return { ok: true, document: document as Record<string, unknown>, config: result.data };
}

/** `file:line:col: path: message`, the shape editors and CI logs link to. */
export function formatProblem(fileName: string, problem: FileProblem): string {
  const where =
    problem.line === null ? fileName : `${fileName}:${problem.line}:${problem.column ?? 1}`;
  return problem.path === null
    ? `${where}: ${problem.message}`
    : `${where}: ${problem.path}: ${problem.message}`;
}

function locateIssues(
  issues: readonly z.core.$ZodIssue[],
  doc: Document,
  lineCounter: LineCounter,
): FileProblem[] {
  const problems: FileProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      // One line per key, pointing at the key itself, reads better than one line for the object.
      for (const key of issue.keys) {
        const path = [...issue.path, key];
        problems.push({
          path: formatPath(path),
          message:
            issue.path.length === 0
              ? 'unknown key: expected one of registries, services, apis, plans, consumers'
              : UNKNOWN_KEY_MESSAGE,
          ...locate(doc, lineCounter, path, true),
        });
      }
      continue;
    }
    problems.push({
      path: formatPath(issue.path),
      message: issue.message,
      ...locate(doc, lineCounter, issue.path, false),
    });
  }
  return problems;
}

/**
 * Finds the YAML node at `path`; when the path names something the file does not contain
 * (a missing required key), points at the closest enclosing node instead.
 */
function locate(
  doc: Document,
  lineCounter: LineCounter,
  path: readonly PropertyKey[],
  preferKey: boolean,
): { line: number | null; column: number | null } {
  for (let length = path.length; length >= 0; length--) {
    const prefix = path.slice(0, length);
    const offset = nodeOffset(doc, prefix, preferKey && length === path.length);
    if (offset !== null) {
      const position = lineCounter.linePos(offset);
      return { line: position.line, column: position.col };
    }
  }
  return { line: null, column: null };
}

function nodeOffset(doc: Document, path: readonly PropertyKey[], wantKey: boolean): number | null {
  const last = path.at(-1);
  if (wantKey && path.length > 0 && typeof last === 'string') {
    const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
    if (isMap(parent)) {
      const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === last);
      if (pair && isNode(pair.key) && pair.key.range) return pair.key.range[0];
    }
  }
  const node = path.length === 0 ? doc.contents : doc.getIn(path, true);
  return isNode(node) && node.range ? node.range[0] : null;
}

/**
 * zod strips keys it does not know inside entities, so a typo such as `stripBasepath` would be
 * silently ignored. Anything present in the input but absent from the parsed result is such a
 * key: records keep every key, and defaults only add keys, so this never flags a real field.
 */
function findUnknownKeys(input: unknown, parsed: unknown, path: PropertyKey[]): PropertyKey[][] {
  if (Array.isArray(input) && Array.isArray(parsed)) {
    return input.flatMap((item, index) => findUnknownKeys(item, parsed[index], [...path, index]));
  }
  if (isPlainObject(input) && isPlainObject(parsed)) {
    const found: PropertyKey[][] = [];
    for (const [key, value] of Object.entries(input)) {
      if (!Object.hasOwn(parsed, key)) found.push([...path, key]);
      else found.push(...findUnknownKeys(value, parsed[key], [...path, key]));
    }
    return found;
  }
  return [];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
