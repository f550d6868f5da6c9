import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration tests start real daemons (sshd, nginx, apache2, auditd); files run in parallel forks but each
    // test file picks its own ports, and auditd tests serialise themselves through a lock file.
    pool: 'forks',
    maxWorkers: 2,
  },
});
