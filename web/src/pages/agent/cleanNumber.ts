/** Keeps the characters a phone can dial (digits, *, #, a leading +), at most 32. */
export function cleanNumber(v: string): string {
  return v.replace(/[^0-9*#+]/g, '').slice(0, 32);
}
