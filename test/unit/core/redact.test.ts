import { describe, expect, it } from 'vitest';
import { redact, redactDeep } from '../../../src/collect/redact.js';

describe('redaction of evidence', () => {
  it('removes private key material but says a key was there', () => {
    const key = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU=\n-----END OPENSSH PRIVATE KEY-----\n';
    const { text, count } = redact(`before\n${key}after`);
    expect(text).not.toContain('b3BlbnNzaC1rZXkt');
    expect(text).toContain('BEGIN OPENSSH PRIVATE KEY');
    expect(count).toBe(1);
  });

  it('masks Authorization headers, cookies, URL credentials and password parameters', () => {
    const input = [
      'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abcdefghijk',
      'Cookie: session=abc123; theme=dark',
      'url = https://admin:Sup3rS3cret@siem.example.com/api',
      'POST /login user=alice&password=canary-hunter2&remember=1',
      'password = hunter2',
      '"api_key": "abcd1234efgh"',
      'AuthLDAPBindPassword ldapS3cret',
    ].join('\n');
    const { text } = redact(input);
    for (const secret of ['eyJhbGciOiJIUzI1NiJ9', 'abc123', 'Sup3rS3cret', 'canary-hunter2', 'hunter2', 'abcd1234efgh', 'ldapS3cret']) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('user=alice');
    expect(text).toContain('siem.example.com');
  });

  it('leaves audit rules and sshd settings that merely name password files intact', () => {
    const rules = '-w /etc/passwd -p wa -k identity\n-a always,exit -F path=/etc/shadow -F perm=wa -k identity\nPasswordAuthentication no\n';
    expect(redact(rules)).toEqual({ text: rules, count: 0 });
  });

  it('redacts crypt hashes in shadow-style lines and secret-named keys in JSON values', () => {
    expect(redact('root:$6$saltsalt$hashhashhashhash:19000:0:99999:7:::').text).toBe('root:[REDACTED]:19000:0:99999:7:::');
    expect(redactDeep({ token: 'abc', nested: { note: 'password=xyz' }, list: ['Authorization: Basic dXNlcjpwYXNz'] })).toEqual({
      token: '[REDACTED]',
      nested: { note: 'password=[REDACTED]' },
      list: ['Authorization: Basic [REDACTED]'],
    });
  });
});
