/** A time as Go's time.Time marshals it in UTC (RFC 3339 with trailing fraction zeros dropped). */
export function goTime(d: Date): string {
  return d.toISOString().replace(/\.(\d*?)0*Z$/, (_, f: string) => (f ? "." + f : "") + "Z");
}
