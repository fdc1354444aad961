import { useEffect, useRef } from 'react';
import { useSubscription } from '@apollo/client/react';
import { gql, type TypedDocumentNode } from '@apollo/client';

const ORDER_CHANGED: TypedDocumentNode<
  { orderUpdated: { number: string; status: string } },
  Record<string, never>
> = gql`
  subscription ConsoleOrderChanged {
    orderUpdated {
      number
      status
    }
  }
`;

/**
 * Calls `refresh` after orders change, at most once per `everyMs`: a burst of
 * status changes costs one refetch, not one per change. Also once shortly
 * after mounting and then whenever `healMs` passed without one: a change
 * committed between the screen's first fetch and its subscription being
 * registered upstream, or while the socket reconnects, brings no event, and
 * the screen would otherwise show it stale until the next change.
 */
export function useOnOrderChange(refresh: () => void, everyMs = 1000, healMs = 10_000) {
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const latest = useRef(refresh);
  latest.current = refresh;
  const lastRefresh = useRef(Date.now());
  const schedule = () => {
    timer.current ??= setTimeout(() => {
      timer.current = undefined;
      lastRefresh.current = Date.now();
      latest.current();
    }, everyMs);
  };
  useSubscription(ORDER_CHANGED, { onData: schedule });
  useEffect(() => {
    schedule();
    const heal = setInterval(() => {
      if (Date.now() - lastRefresh.current >= healMs) schedule();
    }, healMs / 2);
    return () => {
      clearTimeout(timer.current);
      clearInterval(heal);
    };
  }, []);
}
