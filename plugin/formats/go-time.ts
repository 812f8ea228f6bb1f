/**
 * Go time parsing and formatting for the layouts sops meets: YAML plain timestamps as yaml.v3
 * reads them, RFC 3339 metadata timestamps, and `time.Time` written back as RFC 3339.
 */

/** A wall-clock time with a fixed UTC offset, as a Go `time.Time` holds it. */
export interface GoTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly nanosecond: number;
  /** Offset east of UTC in seconds; 0 is written as `Z`. */
  readonly offsetSeconds: number;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, "0");
}

function formatOffset(offsetSeconds: number): string {
  if (offsetSeconds === 0) {
    return "Z";
  }
  const sign = offsetSeconds < 0 ? "-" : "+";
  const minutes = Math.floor(Math.abs(offsetSeconds) / 60);
  return `${sign}${pad(Math.floor(minutes / 60), 2)}:${pad(minutes % 60, 2)}`;
}

function formatDateTime(time: GoTime): string {
  return `${pad(time.year, 4)}-${pad(time.month, 2)}-${pad(time.day, 2)}T${pad(time.hour, 2)}:${pad(time.minute, 2)}:${pad(time.second, 2)}`;
}

/** Go `t.Format(time.RFC3339Nano)`: nanoseconds with trailing zeros cut, no point when zero. */
export function formatTimeRFC3339Nano(time: GoTime): string {
  let fraction = "";
  if (time.nanosecond !== 0) {
    fraction = `.${pad(time.nanosecond, 9).replace(/0+$/, "")}`;
  }
  return `${formatDateTime(time)}${fraction}${formatOffset(time.offsetSeconds)}`;
}

/** Go `t.Format(time.RFC3339)`: whole seconds. */
export function formatTimeRFC3339(time: GoTime): string {
  return `${formatDateTime(time)}${formatOffset(time.offsetSeconds)}`;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  const days = [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return days[month - 1] ?? 0;
}

/**
 * Reads the Go layouts that yaml.v3 uses. The date is `2006-1-2` with a one or two digit month
 * and day. An optional time follows after `separator`: `15:4:5` with one or two digits each, an
 * optional fraction of one to nine digits and, when `zone` is set, `Z` or `±hh:mm`. Returns
 * undefined where Go's `time.Parse` returns an error.
 */
function parseGoLayout(text: string, separator: string | undefined, zone: boolean, twoDigitFields: boolean): GoTime | undefined {
  const field = twoDigitFields ? "(\\d{2})" : "(\\d{1,2})";
  let pattern = `^(\\d{4})-${field}-${field}`;
  if (separator !== undefined) {
    pattern += `${separator}${field}:${field}:${field}(?:[.,](\\d{1,9}))?`;
    pattern += zone ? "(Z|[+-]\\d{2}:\\d{2})" : "()";
  }
  const match = new RegExp(`${pattern}$`).exec(text);
  if (match === null) {
    return undefined;
  }

  const groups: (string | undefined)[] = match.slice(1, 7);
  const numbers = [0, 1, 2, 3, 4, 5].map((group) => Number(groups[group] ?? 0));
  const [year, month, day, hour, minute, second] = numbers as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return undefined;
  }
  if (hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }

  const fractionGroup = match.at(7);
  const zoneGroup = match.at(8);
  const fraction = (fractionGroup ?? "").slice(0, 9);
  const nanosecond = fraction === "" ? 0 : Number(fraction.padEnd(9, "0"));
  const offsetSeconds = parseOffset(zoneGroup ?? "Z");
  if (offsetSeconds === undefined) {
    return undefined;
  }
  return { year, month, day, hour, minute, second, nanosecond, offsetSeconds };
}

function parseOffset(text: string): number | undefined {
  if (text === "Z" || text === "") {
    return 0;
  }
  const hours = Number(text.slice(1, 3));
  const minutes = Number(text.slice(4, 6));
  if (hours > 24 || minutes > 60) {
    return undefined;
  }
  const seconds = (hours * 60 + minutes) * 60;
  return text.startsWith("-") ? -seconds : seconds;
}

/**
 * yaml.v3's timestamp check for plain scalars: the text must start with four digits and `-`,
 * then match one of `2006-1-2T15:4:5.999999999Z07:00`, the same with a lower-case `t`,
 * `2006-1-2 15:4:5.999999999` (UTC) or `2006-1-2`.
 */
export function parseYamlTimestamp(text: string): GoTime | undefined {
  if (!/^\d{4}-/.test(text)) {
    return undefined;
  }
  return (
    parseGoLayout(text, "T", true, false) ??
    parseGoLayout(text, "t", true, false) ??
    parseGoLayout(text, " ", false, false) ??
    parseGoLayout(text, undefined, false, false)
  );
}

/** Go `time.Parse(time.RFC3339, text)`, which also accepts a fraction of a second. */
export function parseRFC3339(text: string): GoTime | undefined {
  return parseGoLayout(text, "T", true, true);
}
