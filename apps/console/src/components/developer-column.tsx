import type { Column } from '@portico/ui';

/** The "Developer" column of portal-developer tables: the name, with the email under it. */
export function developerColumn<T extends { name: string; email: string }>(id: string): Column<T> {
  return {
    id,
    header: 'Developer',
    cell: (developer) => (
      <div>
        <div style={{ fontWeight: 600 }}>{developer.name}</div>
        <div className="pui-hint">{developer.email}</div>
      </div>
    ),
  };
}
