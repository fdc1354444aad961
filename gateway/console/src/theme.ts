import { CloseButton, createTheme, type CloseButtonProps, type CSSVariablesResolver } from '@mantine/core';

export const theme = createTheme({
  primaryColor: 'indigo',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  defaultRadius: 'sm',
  // The darker shades keep white text on filled buttons above WCAG AA contrast (4.5:1).
  primaryShade: 8,
  autoContrast: true,
  // Modals, drawers and alerts close with an icon button: give it a name for screen readers.
  components: {
    CloseButton: CloseButton.extend({ defaultProps: { 'aria-label': 'Close' } as Partial<CloseButtonProps> }),
  },
});

/** Mantine's dimmed grey and error red are below AA contrast on white; darker shades pass. */
export const cssVariablesResolver: CSSVariablesResolver = (current) => ({
  variables: {},
  light: { '--mantine-color-dimmed': current.colors.gray[7], '--mantine-color-error': current.colors.red[8] },
  dark: {},
});

/** One colour per order status, shared by the board, the badges and the dashboard. */
export const STATUS_COLOR: Record<string, string> = {
  VERIFIED: 'blue',
  SCHEDULED: 'grape',
  COMPLETE: 'teal',
  REJECTED: 'red',
  PENDING: 'gray',
  REQUESTED: 'grape',
  COMPLETED: 'teal',
  QUEUED: 'gray',
  IN_PRODUCTION: 'grape',
};
