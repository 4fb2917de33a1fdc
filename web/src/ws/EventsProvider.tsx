// Makes one EventSocket per logged-in session available to every page.
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { EventSocket, eventsUrl, type HujiaoEvent, type SocketStatus } from './eventSocket';

interface EventsContextValue {
  socket: EventSocket | null;
  status: SocketStatus;
}

const EventsContext = createContext<EventsContextValue>({ socket: null, status: 'idle' });

export function EventsProvider({ token, children }: { token: string | null; children: ReactNode }) {
  const [value, setValue] = useState<EventsContextValue>({ socket: null, status: 'idle' });

  useEffect(() => {
    if (!token) {
      setValue({ socket: null, status: 'idle' });
      return undefined;
    }
    const socket = new EventSocket({ url: () => eventsUrl(token) });
    const off = socket.onStatus((status) => setValue({ socket, status }));
    const online = () => socket.reconnectNow();
    window.addEventListener('online', online);
    setValue({ socket, status: socket.status });
    socket.start();
    return () => {
      window.removeEventListener('online', online);
      off();
      socket.stop();
    };
  }, [token]);

  return <EventsContext.Provider value={value}>{children}</EventsContext.Provider>;
}

export function useSocketStatus(): SocketStatus {
  return useContext(EventsContext).status;
}

/** Calls `handler` for every live event (optionally only the given types). */
export function useLiveEvents(handler: (ev: HujiaoEvent) => void, types?: readonly string[]): void {
  const { socket } = useContext(EventsContext);
  const handlerRef = useRef(handler);
  handlerRef.current = handler;
  const typesKey = types ? types.join(',') : '';
  useEffect(() => {
    if (!socket) return undefined;
    const wanted = typesKey ? new Set(typesKey.split(',')) : null;
    return socket.subscribe((ev) => {
      if (!wanted || wanted.has(ev.type) || [...wanted].some((w) => w.endsWith('*') && ev.type.startsWith(w.slice(0, -1)))) {
        handlerRef.current(ev);
      }
    });
  }, [socket, typesKey]);
}
