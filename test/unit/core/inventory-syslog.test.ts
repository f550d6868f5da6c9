import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/util/validate.js';
import { inputErrorOf, loadTargets } from '../../helpers/inventory-text.js';

const load = loadTargets;
const fieldOf = inputErrorOf;

describe('inventory: a host names its syslog collector', () => {
  it('accepts a host whose syslog.collector is a collector target with paths', () => {
    const inv = load(
      '  - { id: web1, kind: linux, address: localhost, syslog: { collector: logs, logger_socket: ' +
        '/run/x.sock, max_wait: 5 } }\n' +
        '  - { id: logs, kind: linux, address: localhost, collector: { paths: [/var/log/remote/*.log] } }\n',
    );
    expect(inv.targets[0]!.syslog).toEqual({ collector: 'logs', logger_socket: '/run/x.sock', max_wait: 5 });
    expect(inv.targets[1]!.collector).toEqual({ paths: ['/var/log/remote/*.log'] });
  });

  it('rejects a collector id that names no target, and a collector target without paths, at the field', () => {
    const none = fieldOf(() =>
      load('  - { id: web1, kind: linux, address: localhost, syslog: { collector: nowhere } }\n'),
    );
    expect(none.field).toBe('targets.0.syslog.collector');
    expect(none.message).toMatch(/names no target: "nowhere"/);
    const bare = fieldOf(() =>
      load(
        '  - { id: web1, kind: linux, address: localhost, syslog: { collector: logs } }\n  - { id: logs, ' +
          'kind: linux, address: localhost }\n',
      ),
    );
    expect(bare.message).toMatch(/declares no collector.paths/);
  });

  it('rejects a relative collector path and an unknown syslog key', () => {
    expect(() =>
      load('  - { id: logs, kind: linux, address: localhost, collector: { paths: [remote.log] } }\n'),
    ).toThrow(InputError);
    expect(() =>
      load('  - { id: w, kind: linux, address: localhost, syslog: { collector: w, socket: /x } }\n'),
    ).toThrow(InputError);
  });
});
