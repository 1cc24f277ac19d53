import type { CaseResult, Report } from './run.js';

/** Text in XML: the five specials escaped, characters XML 1.0 cannot hold at all replaced. */
function xml(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd')
      .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

function testCase(r: CaseResult): string {
  const open = `    <testcase classname="${xml(r.group)}" name="${xml(r.name)}" time="${seconds(r.durationMs)}"`;
  if (r.status === 'passed') return `${open}/>`;
  if (r.status === 'skipped')
    return `${open}>\n      <skipped message="${xml(r.reason ?? '')}"/>\n    </testcase>`;
  return [
    `${open}>`,
    `      <failure message="${xml(r.problems[0] ?? 'failed')}" type="NonConformance">${xml(r.problems.join('\n'))}</failure>`,
    '    </testcase>',
  ].join('\n');
}

/**
 * The report as JUnit XML (the dialect CI servers read): one `testsuite` per group, one
 * `testcase` per case, a `failure` naming its first problem (all of them in its text), a
 * `skipped` saying why.
 */
export function reportToJunit(report: Report): string {
  const suites = report.groups.map((g) => {
    const results = report.results.filter((r) => r.group === g.group);
    const time = results.reduce((sum, r) => sum + r.durationMs, 0);
    return [
      `  <testsuite name="${xml(g.group)}" tests="${results.length}" failures="${g.failed}" errors="0" skipped="${g.skipped}" time="${seconds(time)}">`,
      ...results.map(testCase),
      '  </testsuite>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xml(`Agent Protocol conformance: ${report.url}`)}" tests="${report.results.length}" failures="${report.failed}" errors="0" skipped="${report.skipped}" time="${seconds(report.durationMs)}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
