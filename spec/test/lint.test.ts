// `redocly lint` (recommended rules, examples validated as errors, camelCase operationIds, see
// redocly.yaml) reports no problem at all: no error and no warning.
import { describe, expect, it } from 'vitest';
import { spawnRedocly } from '../scripts/build.mjs';

interface LintReport {
  totals: { errors: number; warnings: number; ignored: number };
  problems: Array<{ ruleId: string; message: string; location?: Array<{ pointer?: string }> }>;
}

// Redocly starts a whole CLI: on two busy cores (turbo runs other packages' tests beside it) that
// takes longer than vitest's 5 s default.
describe('redocly lint', { timeout: 60_000 }, () => {
  it('reports zero problems on openapi.yaml', () => {
    const result = spawnRedocly(['lint', 'openapi.yaml', '--format=json', '--lint-config=error']);
    const report = JSON.parse(result.stdout) as LintReport;
    const problems = report.problems.map(
      (p) => `${p.ruleId}: ${p.message} at ${p.location?.[0]?.pointer ?? '?'}`,
    );
    expect(problems).toEqual([]);
    expect(report.totals).toEqual({ errors: 0, warnings: 0, ignored: 0 });
    expect(result.status).toBe(0);
  });

  it('accepts redocly.yaml', () => {
    const result = spawnRedocly(['check-config']);
    expect(result.stdout + result.stderr).toContain('Your config is valid');
    expect(result.status).toBe(0);
  });
});
