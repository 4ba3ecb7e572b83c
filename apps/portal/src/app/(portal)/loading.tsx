import { Skeleton } from '@portico/ui';

export default function Loading() {
  return (
    <div style={{ paddingTop: 8 }}>
      <Skeleton rows={6} />
    </div>
  );
}
