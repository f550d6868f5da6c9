// Large and hostile agent configuration files. The third argument of each `it` is a generous time limit (8 s) that
// guards against catastrophic backtracking and quadratic scans (the old patterns took seconds on these inputs); it is a
// tripwire, not a benchmark. The bulk is followed by a line the pattern does not match, so a `^\s*` scan from every
// line
// start would have to run to it and fail. Each test also checks what is read after or inside the bulk.
import { describe, expect, it } from 'vitest';
import { nxlogTarget, splunkTarget, wazuhTarget } from '../../../../src/parsers/windows/forwarders.js';

// Far above linear work even on a loaded 2-core CI machine, far below the old quadratic scans.
const GUARD_MS = 8_000;
const EMPTY_LINES = '\n'.repeat(1_000_000);

describe('forwarder agent configurations on large input', () => {
  it(
    'reads Splunk outputs.conf and a Security stanza after 1 MB of empty lines without quadratic blow-up',
    () => {
      expect(
        splunkTarget(
          `${EMPTY_LINES}[tcpout]\n  server = idx.example:9997\n`,
          `[WinEventLog://Security]${EMPTY_LINES}index = main\n\tdisabled = 1\n`,
        ),
      ).toEqual({ target: 'idx.example:9997', security: false });
      expect(splunkTarget(EMPTY_LINES, `[WinEventLog://Security]${EMPTY_LINES}[next]\ndisabled = 1\n`)).toEqual({
        target: null,
        security: true,
      });
    },
    GUARD_MS,
  );

  it(
    'reads an NXLog output whose body holds 1 MB of empty lines without quadratic blow-up',
    () => {
      expect(
        nxlogTarget(
          `<Output out>\n Module om_tcp${EMPTY_LINES}Exec to_json();\n  Host 10.2.2.2\n\tPort 514\n</Output>\n`,
        ),
      ).toEqual({ target: '10.2.2.2:514', security: null });
    },
    GUARD_MS,
  );

  it(
    'stops at NXLog <Output> tags that are never closed, however many there are',
    () => {
      const closed = '<Output a>\nModule om_tcp\nHost 10.0.0.1\n</Output>\n';
      expect(nxlogTarget(`<Output x>\nModule om_file\n</Output>\n${closed}`).target).toBe('10.0.0.1');
      expect(nxlogTarget(`${'<Output x>\nModule om_tcp\nHost h\n'.repeat(50_000)}`)).toEqual({
        target: null,
        security: null,
      });
      expect(nxlogTarget(`${'<Output x\nModule om_tcp\nHost h\n'.repeat(50_000)}`)).toEqual({
        target: null,
        security: null,
      });
    },
    GUARD_MS,
  );

  it(
    'falls back to <server-ip> after 50,000 <server> elements without an <address>, without rescanning from each',
    () => {
      expect(wazuhTarget(`${'<server>\n'.repeat(50_000)}<server-ip>10.3.3.3</server-ip>`)).toEqual({
        target: '10.3.3.3',
        security: false,
      });
      expect(
        wazuhTarget(
          '<address>10.9.9.9</address><server><port>1514</port></server><server><address> 10.1.1.1 </address></server>',
        ).target,
      ).toBe('10.1.1.1');
    },
    GUARD_MS,
  );

  it(
    'reads the Security location only inside a closed <localfile>, with 20,000 unclosed ones in the file',
    () => {
      expect(wazuhTarget('<localfile><location>Security</location>\n'.repeat(20_000)).security).toBe(false);
      expect(
        wazuhTarget(
          `${'<localfile><location>System</location></localfile>\n'.repeat(20_000)}<LocalFile> <location> ` +
            'Security </location></localfile>',
        ).security,
      ).toBe(true);
      expect(
        wazuhTarget('<localfile><location>System</location></localfile><location>Security</location></localfile>')
          .security,
      ).toBe(false);
    },
    GUARD_MS,
  );
});
