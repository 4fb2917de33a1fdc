// The text shown for a failed API call: a translated sentence for the codes
// the console knows, followed by the server's own message.
import { isApiError } from './client';
import { hasKey, type TFunction } from '../i18n';

export function errorText(t: TFunction, e: unknown): string {
  if (isApiError(e)) {
    const key = `error.${e.code}`;
    if (hasKey(key)) {
      const known = t(key);
      return e.message && e.message !== known ? `${known} (${e.message})` : known;
    }
    return e.message || t('error.unknown');
  }
  if (e instanceof Error && e.message) return e.message;
  return t('error.unknown');
}
