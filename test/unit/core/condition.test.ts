import { describe, expect, it } from 'vitest';
import { evaluate, getFact } from '../../../src/checks/condition.js';

const facts = {
  status: { enabled: 1, backlog_limit: 8192, lost: '0' },
  rules: [
    { syscalls: ['execve'], arch: 'b64', key: 'exec' },
    { syscalls: ['execve'], arch: 'b32', key: 'exec' },
    { path: '/etc/shadow', perms: 'wa' },
  ],
  cmdline: 'BOOT_IMAGE=/vmlinuz audit=1 quiet',
  empty: [],
};

describe('condition engine', () => {
  it('reads nested facts and list indexes by dotted path', () => {
    expect(getFact(facts, 'status.enabled')).toBe(1);
    expect(getFact(facts, 'rules.2.path')).toBe('/etc/shadow');
    expect(getFact(facts, 'status.missing.deeper')).toBeUndefined();
  });

  it('compares numbers given as strings, and in/not_in lists', () => {
    expect(evaluate({ fact: 'status.lost', equals: 0 }, facts)).toBe(true);
    expect(evaluate({ fact: 'status.enabled', in: [1, 2] }, facts)).toBe(true);
    expect(evaluate({ fact: 'status.enabled', not_in: [1, 2] }, facts)).toBe(false);
    expect(evaluate({ fact: 'status.backlog_limit', gte: 8192 }, facts)).toBe(true);
    expect(evaluate({ fact: 'status.backlog_limit', gt: 8192 }, facts)).toBe(false);
  });

  it('treats a missing fact as failing a numeric test rather than passing it', () => {
    expect(evaluate({ fact: 'status.nope', gte: 0 }, facts)).toBe(false);
    expect(evaluate({ fact: 'status.nope', exists: false }, facts)).toBe(true);
  });

  it('matches regular expressions and substrings', () => {
    expect(evaluate({ fact: 'cmdline', matches: '(^|\\s)audit=1(\\s|$)' }, facts)).toBe(true);
    expect(evaluate({ fact: 'cmdline', contains: 'audit=0' }, facts)).toBe(false);
  });

  it('quantifies over lists with some, every, none and count', () => {
    const b32 = {
      all: [
        { fact: 'arch', equals: 'b32' },
        { fact: 'syscalls', contains: 'execve' },
      ],
    };
    expect(evaluate({ some: 'rules', where: b32 }, facts)).toBe(true);
    expect(evaluate({ every: 'rules', where: { fact: 'arch', exists: true } }, facts)).toBe(false);
    expect(evaluate({ none: 'rules', where: { fact: 'syscalls', contains: 'bpf' } }, facts)).toBe(true);
    expect(evaluate({ count: 'rules', where: { fact: 'key', equals: 'exec' }, gte: 2 }, facts)).toBe(true);
    expect(evaluate({ count: 'rules', equals: 2 }, facts)).toBe(false);
    expect(evaluate({ fact: 'empty', empty: true }, facts)).toBe(true);
  });

  it('combines with all, any and not, and records which facts it read', () => {
    const seen = new Set<string>();
    const cond = { all: [{ fact: 'status.enabled', in: [1, 2] }, { not: { fact: 'cmdline', contains: 'audit=0' } }] };
    expect(evaluate(cond, facts, seen)).toBe(true);
    expect([...seen].sort()).toEqual(['cmdline', 'status.enabled']);
    expect(
      evaluate(
        {
          any: [
            { fact: 'status.enabled', equals: 0 },
            { fact: 'status.lost', equals: 1 },
          ],
        },
        facts,
      ),
    ).toBe(false);
  });
});
