import { describe, expect, it } from 'vitest';
import {
  OWASP_2021,
  OWASP_2025,
  owaspFromCrsTag,
  owaspFromExplicitTag,
  owaspFromWebTitle,
} from '../../../src/attack/owasp.js';

describe('OWASP Top 10 catalogs', () => {
  it('hold ten categories per edition, each with at least one log source that makes it observable', () => {
    for (const ed of [OWASP_2021, OWASP_2025]) {
      expect(ed.map((c) => c.id.slice(0, 3))).toEqual([
        'A01',
        'A02',
        'A03',
        'A04',
        'A05',
        'A06',
        'A07',
        'A08',
        'A09',
        'A10',
      ]);
      for (const c of ed) {
        expect(c.needs.length, c.id).toBeGreaterThan(0);
        expect(c.name.ja, c.id).not.toBe('');
      }
    }
    expect(OWASP_2021.find((c) => c.id === 'A03:2021')!.needs.map((n) => n.source)).toEqual(
      expect.arrayContaining([{ category: 'waf' }, { category: 'webserver', fields: ['request_body'] }]),
    );
    expect(OWASP_2025.find((c) => c.id === 'A10:2025')!.name.en).toBe('Mishandling of Exceptional Conditions');
  });

  it('maps CRS attack tags (v3 and v4 spellings) and moves SSRF into Broken Access Control in 2025', () => {
    expect(owaspFromCrsTag('attack-sqli')).toEqual(['A03:2021', 'A05:2025']);
    expect(owaspFromCrsTag('OWASP_CRS/ATTACK-XSS')).toEqual(['A03:2021', 'A05:2025']);
    expect(owaspFromCrsTag('attack-ssrf')).toEqual(['A10:2021', 'A01:2025']);
    expect(owaspFromCrsTag('attack-dos')).toEqual([]);
    expect(owaspFromCrsTag('paranoia-level/1')).toEqual([]);
  });

  it('reads explicit OWASP tags with or without an edition', () => {
    expect(owaspFromExplicitTag('owasp.a03')).toEqual(['A03:2021', 'A05:2025']);
    expect(owaspFromExplicitTag('OWASP-A05:2025')).toEqual(['A05:2025']);
    expect(owaspFromExplicitTag('owasp_top10_2021_a07')).toEqual(['A07:2021', 'A07:2025']);
    expect(owaspFromExplicitTag('OWASP_CRS')).toEqual([]);
  });

  it('infers categories of web rules from titles', () => {
    expect(owaspFromWebTitle('SQL Injection Strings In URI')).toEqual(['A03:2021', 'A05:2025']);
    expect(owaspFromWebTitle('Path Traversal Exploitation Attempts')).toEqual(['A01:2021', 'A01:2025']);
    expect(owaspFromWebTitle('Suspicious User Agent')).toEqual([]);
  });
});
