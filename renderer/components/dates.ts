/** UK date formatting for display (the store keeps ISO dates). */
import { format, isValid, parseISO } from 'date-fns';
import { enGB } from 'date-fns/locale';

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = parseISO(iso);
  return isValid(date) ? format(date, 'd MMMM yyyy', { locale: enGB }) : iso;
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = parseISO(iso);
  return isValid(date) ? format(date, 'd MMM yyyy, HH:mm', { locale: enGB }) : iso;
}

export function formatDateRange(start: string, end: string): string {
  if (!start) return '—';
  return start === end ? formatDate(start) : `${formatDate(start)} to ${formatDate(end)}`;
}
