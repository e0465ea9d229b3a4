const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const absolute = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const precise = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'long' });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** "3 minutes ago" or "in 1 hour" within a day of now, else a date and time. */
export function formatWhen(iso: string, now = Date.now()): string {
  const time = new Date(iso).getTime();
  if (Number.isNaN(time)) return iso;
  const delta = time - now;
  const distance = Math.abs(delta);
  if (distance < MINUTE) return delta <= 0 ? 'just now' : 'in less than a minute';
  if (distance < HOUR) return relative.format(Math.round(delta / MINUTE), 'minute');
  if (distance < DAY) return relative.format(Math.round(delta / HOUR), 'hour');

  return absolute.format(time);
}

/** A time as people say it, with the exact instant on hover and for assistive technology. */
export function TimeText({
  value,
  empty = '—',
}: {
  value: string | null | undefined;
  empty?: string;
}) {
  if (value === null || value === undefined) return <span className="muted">{empty}</span>;
  const exact = precise.format(new Date(value));

  return (
    <time dateTime={value} title={exact}>
      {formatWhen(value)}
    </time>
  );
}
