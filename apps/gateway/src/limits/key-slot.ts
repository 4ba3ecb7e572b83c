/**
 * Splits positions `0..count-1` into groups of equal slot, each group in submission order and
 * the groups ordered by their first position, so checks of one subject (one slot) keep their
 * order. Returns a single group when every slot is the same, which is the common case for a
 * small batch.
 */
export function groupBySlot(slots: ArrayLike<number>, count: number): number[][] {
  const groups: number[][] = [];
  const bySlot = new Map<number, number[]>();
  for (let i = 0; i < count; i++) {
    const slot = slots[i] ?? 0;
    let group = bySlot.get(slot);
    if (group === undefined) {
      group = [];
      bySlot.set(slot, group);
      groups.push(group);
    }
    group.push(i);
  }
  return groups;
}
