/** One line of a benchmark's goals table: what was measured, what the issue asks, and whether it holds. */
export interface GoalRow {
  value: string | number;
  goal: string;
  result: 'met' | 'NOT met';
}

export const goalRow = (value: string | number, goal: string, met: boolean): GoalRow => ({
  value,
  goal,
  result: met ? 'met' : 'NOT met',
});

/** Prints the goals an issue sets for this benchmark, one row each, after the figures they come from. */
export function printGoals(title: string, rows: Record<string, GoalRow>) {
  console.log(`\nGoals (${title}):`);
  console.table(rows);
}
