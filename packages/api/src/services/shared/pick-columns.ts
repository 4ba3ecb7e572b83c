/**
 * The named columns of a row, as a view that shows only those: views list what they reveal,
 * so a column added to the table stays out of every answer until it is named here.
 */
export function pickColumns<Row extends object, Column extends keyof Row>(
  row: Row,
  columns: readonly Column[],
): Pick<Row, Column> {
  const picked = {} as Pick<Row, Column>;
  for (const column of columns) picked[column] = row[column];
  return picked;
}
