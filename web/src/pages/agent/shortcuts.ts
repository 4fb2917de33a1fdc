// Keyboard shortcuts for the agent's frequent actions. Matching uses
// KeyboardEvent.code (the physical key), so they work with any layout and
// while a Chinese input method is active. Alt+letter is used because the
// agent often types in a field when he needs them; letters that Chromium or
// Firefox keep for themselves (Alt+D, Alt+E, Alt+F) are avoided.
import { useEffect, useRef } from 'react';

export interface KeyLike {
  code: string;
  altKey: boolean;
  ctrlKey: boolean;
  shiftKey: boolean;
  metaKey: boolean;
  repeat?: boolean;
  isComposing?: boolean;
}

/** spec: "Alt+KeyR", "Ctrl+Enter", "Alt+Shift+KeyH". */
export function matchShortcut(e: KeyLike, spec: string): boolean {
  const parts = spec.split('+');
  const code = parts.pop();
  const mods = new Set(parts.map((p) => p.toLowerCase()));
  return (
    e.code === code &&
    e.altKey === mods.has('alt') &&
    e.ctrlKey === mods.has('ctrl') &&
    e.shiftKey === mods.has('shift') &&
    e.metaKey === mods.has('meta')
  );
}

/** "Alt+KeyR" → "Alt+R" for display. */
export function shortcutLabel(spec: string): string {
  return spec.replace(/Key([A-Z])/, '$1').replace(/Digit(\d)/, '$1');
}

export interface Binding {
  spec: string;
  run: () => void;
  enabled: boolean;
}

export function findBinding(e: KeyLike, bindings: readonly Binding[]): Binding | undefined {
  if (e.repeat || e.isComposing) return undefined;
  return bindings.find((b) => b.enabled && matchShortcut(e, b.spec));
}

export function useShortcuts(bindings: readonly Binding[]): void {
  const ref = useRef(bindings);
  ref.current = bindings;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const b = findBinding(e, ref.current);
      if (!b) return;
      e.preventDefault();
      b.run();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

export const SHORTCUTS = {
  ready: 'Alt+KeyR',
  notReady: 'Alt+KeyN',
  answer: 'Alt+KeyA',
  hangup: 'Alt+KeyH',
  hold: 'Alt+KeyO',
  mute: 'Alt+KeyM',
  keypad: 'Alt+KeyK',
  wrapup: 'Alt+KeyW',
  transfer: 'Alt+KeyT',
} as const;
