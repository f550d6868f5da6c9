import { describe, expect, it } from 'vitest';
import { readSiemSearch } from '../../../src/collect/siem-search.js';
import { sight } from '../../../src/collect/trace.js';
import { longWriteOutcome, plantFailure } from '../../../src/collect/windows-canary.js';
import { firstCut, lengthMarkedCanary, measureCanary } from '../../../src/util/canary-text.js';

const M = 'socready-canary-r1-win1-0a1b2c3d-2';
const ok = (stdout: string) => ({ stdout, stderr: '', exitCode: 0, truncated: false, durationMs: 1 });

describe('length-marked canary text', () => {
  it('is exactly as long as asked, ends with the end token, and every mark says its own position', () => {
    for (const n of [200, 8193, 12_000, 20_000, 30_000]) {
      const t = lengthMarkedCanary(M, n, 'windows long canary');
      expect(t).toHaveLength(n);
      expect(t.startsWith(`${M} windows long canary of ${n} chars `)).toBe(true);
      expect(t.endsWith(` ${M}-END`)).toBe(true);
      expect(t).toMatch(/^[A-Za-z0-9 ._:-]+$/);
      for (const m of t.matchAll(/:(\d{7})/g)) expect(m.index! + m[0].length).toBe(Number(m[1]));
    }
  });

  it('a cut copy shows its length in its last mark, and is measured against the text its header announces', () => {
    const t = lengthMarkedCanary(M, 20_000, 'windows long canary');
    const cut = t.slice(0, 8192);
    // Its last mark is within one 16-character block of where it was cut.
    const last = Number(cut.match(/:(\d{7})(?!.*:\d{7})/)?.[1]);
    expect(8192 - last).toBeGreaterThanOrEqual(0);
    expect(8192 - last).toBeLessThan(16);
    // What trails the copy on its line (a JSON line's closing fields) is not counted.
    const line = `{"message":"${cut}","winlog":{"event_id":100}}`;
    expect(measureCanary(line, M)).toEqual({ chars: 8192, of: 20_000, whole: false });
    expect(measureCanary(`prefix ${t} suffix`, M)).toEqual({ chars: 20_000, of: 20_000, whole: true });
    // Another run's marker, a short canary, a plain filler: nothing to measure.
    expect(measureCanary(t.replaceAll(M, `${M}9`), M)).toBeUndefined();
    expect(measureCanary(`${M} windows canary ${M}-END`, M)).toBeUndefined();
    // Two copies (the rendered message and its insertion string): the longer one counts.
    expect(measureCanary(`${t.slice(0, 100)} | ${t.slice(0, 5000)}`, M)?.chars).toBe(5000);
  });

  it('firstCut names the first place along the path that holds it cut', () => {
    const stops = [
      { place: 'host:Application', seen: true, whole: true, chars: 100 },
      { place: 'collector:x', seen: false },
      { place: 'siem:es', seen: true, whole: false, chars: 40 },
    ];
    expect(firstCut(stops)?.place).toBe('siem:es');
    expect(firstCut(stops.slice(0, 2))).toBeUndefined();
  });
});

describe('the same measure in every place a canary is read', () => {
  const t = lengthMarkedCanary(M, 12_000, 'windows long canary');

  it('the collector: a syslog line cut at 8192 bytes holds the characters after its header', () => {
    const header = '<14>1 2026-12-03T11:00:01Z WIN1 socready - - - ';
    const s = sight(`==> /var/log/remote/win1.log <==\n${`${header}${t}`.slice(0, 8192)}\n`, M, 'collector');
    expect(s.hit).toMatchObject({ whole: false, chars: 8192 - header.length });
    expect(sight(`==> ForwardedEvents <==\n1 t WIN1 ${t}\n`, M, 'collector').hit).toMatchObject({ whole: true });
  });

  it('the SIEM: the most complete value holding the marker, whole or cut', () => {
    const hit = (message: string) =>
      JSON.stringify({ hits: { hits: [{ _source: { message, winlog: { event_data: { param1: message } } } }] } });
    expect(readSiemSearch('elasticsearch', ok(hit(t)), M)).toMatchObject({ found: true, whole: true, chars: 12_000 });
    expect(readSiemSearch('elasticsearch', ok(hit(t.slice(0, 9999))), M)).toMatchObject({
      whole: false,
      chars: 9999,
    });
    // A plain (unmarked) copy keeps the end-token rule and reports no length.
    const plain = readSiemSearch('elasticsearch', ok(hit(`${M} x ${M}-END`)), M);
    expect(plain).toMatchObject({ whole: true });
    expect(plain.chars).toBeUndefined();
  });
});

describe("the write's answer about the long event", () => {
  it('written, refused, or not given to eventcreate; a refused long write is not a failed write', () => {
    expect(longWriteOutcome('written: Write-EventLog\nwritten long: Write-EventLog\n')).toEqual({ written: true });
    const refused = 'written: Write-EventLog\nlong not written: ERROR: The parameter is incorrect\n';
    expect(longWriteOutcome(refused)).toEqual({ written: false, why: 'ERROR: The parameter is incorrect' });
    expect(plantFailure(ok(refused))).toBeUndefined();
    expect(plantFailure(ok('eventcreate: ERROR: Access denied\n'))).toMatch(/^access denied/);
    expect(longWriteOutcome('written: Write-EventLog\n')).toEqual({
      written: false,
      why: 'the write did not report it',
    });
  });
});
