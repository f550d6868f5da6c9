// The Markdown summary as a reader copies from it: code spans stay code, audit rules stay one per line in a fenced
// block below the table, and each heading counts what it lists.
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/checks/catalog.js';
import type { Finding } from '../../../src/model.js';
import { renderMarkdown } from '../../../src/report/formats/markdown.js';
import { richBlocks } from '../../../src/report/rich-text.js';
import { finding, report } from '../score/helpers.js';

const catalog = loadCatalog();
function failed(id: string, target = 'web-01', status: Finding['status'] = 'fail'): Finding {
  const c = catalog.checks.find((x) => x.id === id)!;
  return {
    ...finding(c.area, status, {
      check: c.id,
      target,
      severity: c.severity,
      title: c.title,
      remediation: c.remediation,
    }),
    fail_title: c.fail_title,
  };
}

describe('Markdown report layout', () => {
  it('renders inline code as code spans, not escaped backticks', () => {
    const md = renderMarkdown(report({ findings: [failed('linux.auditd.running')] }), { lang: 'en' });
    expect(md).toContain('`systemctl enable --now auditd`');
    expect(md).not.toContain('\\`');
  });

  it('puts multi-line audit rules in a fenced block below the table, one rule per line', () => {
    const md = renderMarkdown(report({ findings: [failed('linux.audit.rules.execve')] }), { lang: 'en' });
    const row = md.split('\n').find((l) => l.startsWith('|') && l.includes('linux.audit.rules.execve'))!;
    expect(row).not.toContain('-a always,exit');
    const fence = md.indexOf(
      '```\n-a always,exit -F arch=b64 -S execve,execveat -k exec\n-a always,exit -F arch=b32 -S ' +
        'execve,execveat -k exec\n```',
    );
    expect(fence).toBeGreaterThan(md.indexOf(row));
    expect(md).toContain('#### Remediation: `linux.audit.rules.execve`');
    // Characters that matter in a rule are copied verbatim inside the fence (no entities, no escapes).
    const mounts = renderMarkdown(report({ findings: [failed('linux.audit.rules.mounts')] }), { lang: 'ja' });
    expect(mounts).toContain('-a always,exit -F arch=b64 -S mount -F auid>=1000 -F auid!=unset -k mounts\n');
  });

  it('"Failing checks" counts and lists failures only; inconclusive findings get their own heading and count', () => {
    const undecided = Array.from({ length: 5 }, (_, i) => ({
      ...finding('audit-policy', 'inconclusive', { target: `h${i}`, reason: 'config: key file not found' }),
    }));
    const md = renderMarkdown(report({ findings: [...undecided, failed('linux.auditd.running')] }), { lang: 'en' });
    expect(md).toContain('### Failing checks (1)');
    expect(md).toContain('### Checks that could not decide (inconclusive or error) (5)');
    const failingPart = md.slice(md.indexOf('### Failing checks'), md.indexOf('### Checks that could not decide'));
    expect(failingPart).not.toContain('key file not found');
    const none = renderMarkdown(report({ findings: undecided }), { lang: 'en' });
    expect(none).toContain('### Failing checks (0)');
    expect(none).toContain('No failing checks.');
  });
});

describe('rich text of the catalog', () => {
  it('splits prose, `code` spans and indented lines into paragraphs and code blocks', () => {
    const blocks = richBlocks('Add to /etc/x, then `augenrules --load`:\n  -a one\n  -a two\nExclude noisy programs.');
    expect(blocks).toEqual([
      {
        kind: 'para',
        spans: [
          { code: false, text: 'Add to /etc/x, then ' },
          { code: true, text: 'augenrules --load' },
          { code: false, text: ':' },
        ],
      },
      { kind: 'code', text: '-a one\n-a two' },
      { kind: 'para', spans: [{ code: false, text: 'Exclude noisy programs.' }] },
    ]);
    expect(richBlocks('wrapped prose\ncontinues here')).toEqual([
      { kind: 'para', spans: [{ code: false, text: 'wrapped prose continues here' }] },
    ]);
  });
});
