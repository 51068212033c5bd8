const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

/** "3 minutes ago", with the exact UTC time on hover and for assistive technology. */
export function RelativeTime({ value, now }: { value: Date; now: Date }) {
  const seconds = Math.round((value.getTime() - now.getTime()) / 1000);
  const format = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
  const unit = UNITS.find(([, size]) => Math.abs(seconds) >= size);
  const text = unit ? format.format(Math.round(seconds / unit[1]), unit[0]) : "just now";
  const exact = value.toUTCString();
  return (
    <time dateTime={value.toISOString()} title={exact} aria-label={`${text} (${exact})`}>
      {text}
    </time>
  );
}
