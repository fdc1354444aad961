import { Badge, type BadgeProps } from '@mantine/core';
import { STATUS_COLOR } from './theme.ts';

/** An outlined badge in the darkest shade of its colour: readable (WCAG AA) on white. */
export function StatusBadge({
  status,
  color,
  children,
  ...props
}: BadgeProps & { status: string; title?: string; 'data-testid'?: string }) {
  const hue = color ?? STATUS_COLOR[status] ?? 'gray';
  return (
    <Badge variant="outline" color={hue} c={`${String(hue)}.9`} {...props}>
      {children ?? status}
    </Badge>
  );
}
