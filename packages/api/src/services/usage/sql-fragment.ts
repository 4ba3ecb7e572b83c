import type { Db } from '@portico/db';

/**
 * A composable SQL fragment whose values always travel as bind parameters. Usage queries build
 * optional filters, which Prisma's tagged templates cannot compose from outside packages/db.
 * Only `rawSql` inserts text, and callers pass it constants (identifiers, interval units), never
 * input.
 */
export interface SqlFragment {
  readonly strings: readonly string[];
  readonly values: readonly unknown[];
}

function isFragment(value: unknown): value is SqlFragment {
  return typeof value === 'object' && value !== null && 'strings' in value && 'values' in value;
}

/** Tagged template: `${value}` becomes a parameter, `${fragment}` is spliced in. */
export function sql(strings: TemplateStringsArray, ...values: unknown[]): SqlFragment {
  const outStrings: string[] = [strings[0] ?? ''];
  const outValues: unknown[] = [];
  values.forEach((value, i) => {
    const next = strings[i + 1] ?? '';
    if (isFragment(value)) {
      const [first = '', ...rest] = value.strings;
      outStrings[outStrings.length - 1] += first;
      outValues.push(...value.values);
      outStrings.push(...rest);
      outStrings[outStrings.length - 1] += next;
    } else {
      outValues.push(value);
      outStrings.push(next);
    }
  });
  return { strings: outStrings, values: outValues };
}

/** Constant SQL text (identifiers, keywords); never pass user input. */
export function rawSql(text: string): SqlFragment {
  return { strings: [text], values: [] };
}

export function joinSql(fragments: readonly SqlFragment[], separator: string): SqlFragment {
  return fragments.reduce<SqlFragment>(
    (acc, fragment, i) => (i === 0 ? fragment : sql`${acc}${rawSql(separator)}${fragment}`),
    rawSql(''),
  );
}

/** Renders `$1, $2, …` placeholders and runs the query. */
export function queryRows<T>(db: Db, fragment: SqlFragment): Promise<T[]> {
  let text = fragment.strings[0] ?? '';
  for (let i = 1; i < fragment.strings.length; i++) text += `$${i}${fragment.strings[i]}`;
  return db.$queryRawUnsafe<T[]>(text, ...fragment.values);
}
