import { describe, expect, it } from 'vitest';
import { SigmaEngine } from '../../../src/sigma/engine.js';
import { FlatEvent } from '../../../src/sigma/events/json.js';
import { loadRuleText } from '../../../src/sigma/loader.js';
import { run } from './helpers.js';

const LS = { product: 'linux', categories: [], services: ['sshd'] };
const base = `title: failed
id: base-failed
name: failed_login
logsource:
  product: linux
  service: sshd
detection:
  sel:
    outcome: failure
  condition: sel
---
title: success
id: base-success
name: successful_login
logsource:
  product: linux
  service: sshd
detection:
  sel:
    outcome: success
  condition: sel
`;

function engine(corr: string): SigmaEngine {
  const r = loadRuleText(`${base}---\n${corr}`, 'corr.yml');
  if (r.failures.length) throw new Error(JSON.stringify(r.failures));
  return new SigmaEngine(r.rules);
}
const t0 = Date.parse('2026-01-01T00:00:00Z');
const e = (sec: number, fields: Record<string, unknown>) =>
  new FlatEvent({ timestamp: new Date(t0 + sec * 1000).toISOString(), ...fields }, LS);

describe('correlation rules', () => {
  it('event_count fires once per group when the count is reached within the timespan', () => {
    const eng = engine(`title: brute
id: c1
correlation:
  type: event_count
  rules: [failed_login]
  group-by: [src]
  timespan: 1m
  condition:
    gte: 3
`);
    const events = [
      e(0, { outcome: 'failure', src: 'a' }),
      e(10, { outcome: 'failure', src: 'a' }),
      e(15, { outcome: 'failure', src: 'b' }),
      e(20, { outcome: 'failure', src: 'a' }),
    ];
    expect(run(eng, events)).toEqual({ c1: 1 });
    // spread over more than the timespan: never three within one minute
    const slow = [0, 40, 80, 120].map((s) => e(s, { outcome: 'failure', src: 'a' }));
    expect(
      run(
        engine(
          'title: brute\nid: c1\ncorrelation:\n  type: event_count\n  rules: [failed_login]\n  group-by: ' +
            '[src]\n  timespan: 1m\n  condition:\n    gte: 3\n',
        ),
        slow,
      ),
    ).toEqual({});
  });

  it('referenced rules are not reported on their own unless generate is true', () => {
    const events = [e(0, { outcome: 'failure', src: 'a' })];
    expect(
      run(
        engine(
          'title: c\nid: c1\ncorrelation:\n  type: event_count\n  rules: [failed_login]\n  group-by: [src]\n ' +
            ' timespan: 1m\n  condition:\n    gte: 5\n',
        ),
        events,
      ),
    ).toEqual({});
    expect(
      run(
        engine(
          'title: c\nid: c1\ncorrelation:\n  type: event_count\n  generate: true\n  rules: [failed_login]\n  ' +
            'group-by: [src]\n  timespan: 1m\n  condition:\n    gte: 5\n',
        ),
        events,
      ),
    ).toEqual({ 'base-failed': 1 });
  });

  it('value_count counts distinct values per group (credential stuffing: one IP, many users)', () => {
    const eng = () =>
      engine(
        'title: stuffing\nid: c2\ncorrelation:\n  type: value_count\n  rules: [failed_login]\n  group-by: ' +
          '[src]\n  timespan: 5m\n  condition:\n    field: user\n    gte: 3\n',
      );
    const same = [0, 1, 2, 3].map((s) => e(s, { outcome: 'failure', src: 'a', user: 'root' }));
    expect(run(eng(), same)).toEqual({});
    const many = ['u1', 'u2', 'U1', 'u3'].map((u, i) => e(i, { outcome: 'failure', src: 'a', user: u }));
    expect(run(eng(), many)).toEqual({ c2: 1 });
    // u1 and U1 are one value: three events with only two distinct users do not fire
    expect(
      run(
        eng(),
        ['u1', 'U1', 'u2'].map((u, i) => e(i, { outcome: 'failure', src: 'a', user: u })),
      ),
    ).toEqual({});
  });

  it('value_sum and value_avg aggregate a numeric field', () => {
    const sum = engine(
      'title: exfil\nid: c3\ncorrelation:\n  type: value_sum\n  rules: [successful_login]\n  group-by: ' +
        '[src]\n  timespan: 1h\n  condition:\n    field: bytes\n    gt: 1000\n',
    );
    expect(
      run(sum, [
        e(0, { outcome: 'success', src: 'a', bytes: 600 }),
        e(1, { outcome: 'success', src: 'a', bytes: '500' }),
      ]),
    ).toEqual({ c3: 1 });
    expect(
      run(sum, [
        e(0, { outcome: 'success', src: 'a', bytes: 600 }),
        e(1, { outcome: 'success', src: 'b', bytes: 500 }),
      ]),
    ).toEqual({});
    const avg = engine(
      'title: avg\nid: c4\ncorrelation:\n  type: value_avg\n  rules: [successful_login]\n  group-by: [src]\n ' +
        ' timespan: 1h\n  condition:\n    field: bytes\n    gt: 500\n',
    );
    expect(
      run(avg, [
        e(0, { outcome: 'success', src: 'a', bytes: 100 }),
        e(1, { outcome: 'success', src: 'a', bytes: 2000 }),
      ]),
    ).toEqual({ c4: 1 });
    expect(
      run(avg, [
        e(0, { outcome: 'success', src: 'a', bytes: 100 }),
        e(1, { outcome: 'success', src: 'a', bytes: 200 }),
      ]),
    ).toEqual({});
  });

  it('value_percentile finds values rare within the group when the window closes', () => {
    const eng = engine(
      'title: rare\nid: c5\ncorrelation:\n  type: value_percentile\n  rules: [successful_login]\n  group-by: ' +
        '[host]\n  timespan: 1d\n  condition:\n    field: proc\n    lte: 10\n',
    );
    const events = Array.from({ length: 20 }, (_, i) =>
      e(i, { outcome: 'success', host: 'h', proc: i === 7 ? 'evil' : 'sshd' }),
    );
    expect(run(eng, events)).toEqual({ c5: 1 });
  });

  it('upper-bound conditions are decided when the window closes', () => {
    const eng = engine(
      'title: quiet\nid: c6\ncorrelation:\n  type: event_count\n  rules: [successful_login]\n  group-by: ' +
        '[src]\n  timespan: 1m\n  condition:\n    lt: 3\n',
    );
    const events = [
      e(0, { outcome: 'success', src: 'a' }),
      e(5, { outcome: 'success', src: 'b' }),
      e(6, { outcome: 'success', src: 'b' }),
      e(7, { outcome: 'success', src: 'b' }),
    ];
    expect(run(eng, events)).toEqual({ c6: 1 }); // a had 1 (< 3), b had 3
  });

  it('temporal needs every rule within the timespan, in any order', () => {
    const eng = () =>
      engine(
        'title: both\nid: c7\ncorrelation:\n  type: temporal\n  rules: [successful_login, failed_login]\n  ' +
          'group-by: [user]\n  timespan: 1m\n',
      );
    expect(run(eng(), [e(0, { outcome: 'success', user: 'x' }), e(30, { outcome: 'failure', user: 'x' })])).toEqual({
      c7: 1,
    });
    expect(run(eng(), [e(0, { outcome: 'success', user: 'x' }), e(90, { outcome: 'failure', user: 'x' })])).toEqual({});
    expect(run(eng(), [e(0, { outcome: 'success', user: 'x' }), e(30, { outcome: 'failure', user: 'y' })])).toEqual({});
  });

  it('temporal_ordered needs the listed order; chaining event_count into it (failed logons then success)', () => {
    const eng = () =>
      engine(`title: Failed logons followed by success
id: c8
correlation:
  type: temporal_ordered
  rules: [many_failed, successful_login]
  group-by: [user]
  timespan: 10m
level: high
---
title: many failed
id: c9
name: many_failed
correlation:
  type: event_count
  rules: [failed_login]
  group-by: [user]
  timespan: 10m
  condition:
    gte: 3
`);
    const fails = [0, 10, 20].map((s) => e(s, { outcome: 'failure', user: 'bob' }));
    expect(run(eng(), [...fails, e(60, { outcome: 'success', user: 'bob' })])).toEqual({ c8: 1 });
    // success first, failures after: wrong order
    expect(
      run(eng(), [
        e(0, { outcome: 'success', user: 'bob' }),
        ...[5, 10, 20].map((s) => e(s, { outcome: 'failure', user: 'bob' })),
      ]),
    ).toEqual({});
    // success for another user
    expect(run(eng(), [...fails, e(60, { outcome: 'success', user: 'alice' })])).toEqual({});
  });

  it('aliases map group-by names to a different field per rule', () => {
    const eng = () =>
      engine(`title: aliased
id: c10
correlation:
  type: temporal
  rules: [failed_login, successful_login]
  group-by: [ip]
  timespan: 1m
  aliases:
    ip:
      failed_login: src
      successful_login: dst
`);
    expect(
      run(eng(), [e(0, { outcome: 'failure', src: '1.2.3.4' }), e(5, { outcome: 'success', dst: '1.2.3.4' })]),
    ).toEqual({ c10: 1 });
    expect(
      run(eng(), [e(0, { outcome: 'failure', src: '1.2.3.4' }), e(5, { outcome: 'success', dst: '9.9.9.9' })]),
    ).toEqual({});
  });

  it('forgets idle groups so memory stays bounded on long streams', () => {
    const eng = engine(
      'title: brute\nid: c1\ncorrelation:\n  type: event_count\n  rules: [failed_login]\n  group-by: [src]\n ' +
        ' timespan: 1m\n  condition:\n    gte: 3\n',
    );
    // 20,000 sources, one event each, a second apart: only the last minute's groups can still fire.
    for (let i = 0; i < 20_000; i++)
      eng.process(e(i, { outcome: 'failure', src: `10.0.${i >> 8}.${i & 255}` }), () => {});
    expect(eng.correlationGroups()).toBeLessThan(4096 + 61);
    expect(eng.correlationGroups()).toBeGreaterThan(60);
  });

  it('reports correlations naming unknown rules, cycles and missing fields', () => {
    const unknown = new SigmaEngine(
      loadRuleText(
        `${base}---\ntitle: c\nid: c1\ncorrelation:\n  type: temporal\n  rules: [nope]\n  group-by: [x]\n  ` +
          'timespan: 1m\n',
        'c.yml',
      ).rules,
    );
    expect(unknown.failures.map((f) => f.error)).toEqual([
      'correlation "c" references rule "nope", which is not loaded or failed to load',
    ]);
    const cyc = new SigmaEngine(
      loadRuleText(
        'title: a\nid: a\nname: a\ncorrelation:\n  type: temporal\n  rules: [b]\n  timespan: 1m\n---\ntitle: ' +
          'b\nid: b\nname: b\ncorrelation:\n  type: temporal\n  rules: [a]\n  timespan: 1m\n',
        'cyc.yml',
      ).rules,
    );
    expect(cyc.failures.some((f) => /reference cycle/.test(f.error))).toBe(true);
    expect(cyc.correlations).toEqual([]);
    const noField = loadRuleText(
      'title: v\ncorrelation:\n  type: value_count\n  rules: [x]\n  timespan: 1m\n  condition:\n    gte: 2\n',
      'v.yml',
    );
    expect(noField.failures[0]!.error).toMatch(/needs condition.field/);
    const badSpan = loadRuleText(
      'title: v\ncorrelation:\n  type: temporal\n  rules: [x]\n  timespan: 10 minutes\n',
      'v.yml',
    );
    expect(badSpan.failures[0]!.error).toMatch(/timespan/);
  });
});
