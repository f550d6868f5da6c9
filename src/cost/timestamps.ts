// Timestamps at the start of log lines, in the formats the logs socready measures write: ISO 8601 (nginx
// $time_iso8601, PostgreSQL, rsyslog high-precision), audit `msg=audit(<epoch>:<serial>)`, the common/combined access
// log `[03/Dec/2026:08:50:25 +0000]`, journal short-unix `<epoch>.<usec>` and BSD syslog `Dec  3 08:50:25` (no year:
// the year of a reference time, the file's mtime, one year earlier when that would put the line in the future).

const MONTHS: Record<string, number> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
};

const AUDIT = /msg=audit\((\d{9,11})(?:\.\d+)?:\d+\)/;
const ISO = /(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:[.,]\d+)?\s*(Z|UTC|GMT|[+-]\d\d:?\d\d)?/;
const CLF = /\[(\d\d)\/([A-Z][a-z]{2})\/(\d{4}):(\d\d):(\d\d):(\d\d)(?:\.\d+)?\s*([+-]\d{4})?\]/;
const EPOCH = /^(\d{9,11})\.\d+\s/;
const BSD = /^([A-Z][a-z]{2})\s+(\d{1,2}) (\d\d):(\d\d):(\d\d)\b/;

function offsetMs(zone: string | undefined): number {
  if (!zone || zone === 'Z' || zone === 'UTC' || zone === 'GMT') return 0;
  const m = /^([+-])(\d\d):?(\d\d)$/.exec(zone);
  if (!m) return 0;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return (m[1] === '-' ? -1 : 1) * minutes * 60_000;
}

/**
 * The time (epoch milliseconds) a log line carries, or undefined. `refMs` (the file's mtime) supplies the year of
 * a BSD syslog stamp; zone-less stamps are read as UTC, which is exact for spans within one file family.
 */
export function lineTime(line: string, refMs?: number): number | undefined {
  const head = line.slice(0, 400);
  const audit = AUDIT.exec(head);
  if (audit) return Number(audit[1]) * 1000;
  const epoch = EPOCH.exec(head);
  if (epoch) return Number(epoch[1]) * 1000;
  const clf = CLF.exec(head);
  if (clf && MONTHS[clf[2]!] !== undefined) {
    const t = Date.UTC(
      Number(clf[3]),
      MONTHS[clf[2]!]!,
      Number(clf[1]),
      Number(clf[4]),
      Number(clf[5]),
      Number(clf[6]),
    );
    return t - offsetMs(clf[7]);
  }
  const iso = ISO.exec(head);
  if (iso) {
    const t = Date.UTC(
      Number(iso[1]),
      Number(iso[2]) - 1,
      Number(iso[3]),
      Number(iso[4]),
      Number(iso[5]),
      Number(iso[6]),
    );
    return Number.isNaN(t) ? undefined : t - offsetMs(iso[7]);
  }
  const bsd = BSD.exec(head);
  if (bsd && MONTHS[bsd[1]!] !== undefined && refMs !== undefined) {
    const year = new Date(refMs).getUTCFullYear();
    const at = (y: number) =>
      Date.UTC(y, MONTHS[bsd[1]!]!, Number(bsd[2]), Number(bsd[3]), Number(bsd[4]), Number(bsd[5]));
    const t = at(year);
    // A December line in a file written in January belongs to the year before.
    return t > refMs + 86_400_000 ? at(year - 1) : t;
  }
  return undefined;
}
