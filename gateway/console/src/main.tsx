import '@mantine/core/styles.layer.css';
import 'mantine-datatable/styles.layer.css';
import { createRoot } from 'react-dom/client';
import { MantineProvider } from '@mantine/core';
import { App } from './App.tsx';
import { cssVariablesResolver, theme } from './theme.ts';

createRoot(document.getElementById('root')!).render(
  <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver} defaultColorScheme="light">
    <App />
  </MantineProvider>,
);
