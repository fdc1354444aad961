import { useEffect, useState } from 'react';
import type { Session } from './session.ts';
import { canWrite, isAdmin } from './session.ts';

export type Screen = 'board' | 'new-order' | 'customers' | 'factory' | 'dashboard' | 'random-orders';

export const SCREENS: { id: Screen; label: string; allowed: (session: Session) => boolean }[] = [
  { id: 'board', label: 'Live board', allowed: () => true },
  { id: 'new-order', label: 'New order', allowed: canWrite },
  { id: 'customers', label: 'Customers', allowed: () => true },
  { id: 'factory', label: 'Factory floor', allowed: () => true },
  { id: 'dashboard', label: 'Dashboard', allowed: () => true },
  { id: 'random-orders', label: 'Random orders', allowed: isAdmin },
];

const current = (): Screen => {
  const id = location.hash.replace(/^#\/?/, '');
  return SCREENS.some((screen) => screen.id === id) ? (id as Screen) : 'board';
};

/** The screen named in the location hash (#/customers), so each screen has a link and Back works. */
export function useScreen(): [Screen, (screen: Screen) => void] {
  const [screen, setScreen] = useState(current);
  useEffect(() => {
    const onChange = () => setScreen(current());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return [screen, (next) => (location.hash = `#/${next}`)];
}
