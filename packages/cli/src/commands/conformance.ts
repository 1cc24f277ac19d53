import { writeFile } from 'node:fs/promises';
import type { CaseResult, Report } from '@agent-protocol/conformance/url';
import type { Command } from '../command.js';
import { positionals } from '../arguments.js';
import { serverUrl } from '../connection.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { stringOption } from '../options.js';
import { printJson, table } from '../output.js';

const HELP = `Usage: agent-protocol conformance --url URL [--token T [--token-b T2]] [--only GROUPS]
                                [--junit FILE] [--json]

Runs the conformance fixture of @agent-protocol/conformance (the cases every adapter of this
toolkit is tested with) against a server that is already running, over HTTP, and prints a table
by group. It judges the protocol as PROTOCOL.md and the spec define it, not this toolkit's own
choices: error messages are any non-empty words, unknown extra fields are allowed, an error's
code is checked only where the spec fixes it, header names and values in any case. An
independent, correct implementation passes.

Skipped, each with its reason: cases that need a server started with particular options (the
fixture's auth strategies and credentials, its small limits, an empty store: run those with
runConformance in a test). The fixture's scenarios (restarts, concurrency) are not run. The
group reference-agent (the cases that need the reference agent's words) runs only when the
agent's info says name: "reference-agent"; everything protocol-level runs against any agent.

It creates tasks (the protocol cannot delete them) and stores and revokes secrets: point it at a
test deployment. A case that lists every secret runs only while the principal holds none; one
that would store a key the principal already holds is skipped (it would overwrite it).

Options:
  --url URL            the server (or AGENT_PROTOCOL_URL)
  --token T            a bearer token sent with every request (or AGENT_PROTOCOL_TOKEN), for a
                       server that requires credentials
  --token-b T2         a second principal's token: the isolation cases run (each principal's
                       tasks and secrets are 404 for the other)
  --only GROUPS        only these groups, comma-separated (e.g. tasks,steps,secrets)
  --junit FILE         also write the results as JUnit XML (for CI)
  --json               print the whole report as JSON instead of the table

Exit codes: 0 every case that ran passed; 1 a case failed (each is named with its first problem)
or the server could not be reached; 2 a wrong command line (an unknown group).`;

/** The skip reasons, each once with how many cases it covers; the auth groups as one line. */
function skipSummary(results: readonly CaseResult[]): string[] {
  const counts = new Map<string, number>();
  for (const r of results.filter((x) => x.status === 'skipped')) {
    const reason =
      r.group === 'auth'
        ? "need a server started with one of the fixture's auth strategies and its credentials"
        : (r.reason ?? '');
    counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  return [...counts].map(([reason, n]) => `  ${String(n).padStart(4)}  ${reason}`);
}

function printReport(report: Report): void {
  const agent = report.agent?.name
    ? `${report.agent.name}${report.agent.version ? ` ${report.agent.version}` : ''}`
    : 'an agent without info';
  const rows = report.groups.map((g) => [
    g.group,
    String(g.passed),
    String(g.failed),
    String(g.skipped),
  ]);
  rows.push(['total', String(report.passed), String(report.failed), String(report.skipped)]);
  const out = [
    `Conformance of ${report.url} (${agent}), ${(report.durationMs / 1000).toFixed(1)} s`,
    '',
    table(['GROUP', 'PASS', 'FAIL', 'SKIP'], rows),
  ];
  const failed = report.results.filter((r) => r.status === 'failed');
  if (failed.length > 0) {
    out.push('', `Failed (${failed.length}):`);
    for (const r of failed) out.push(`  ✗ [${r.group}] ${r.name}`, `      ${r.problems[0] ?? ''}`);
  }
  if (report.skipped > 0) out.push('', 'Skipped:', ...skipSummary(report.results));
  if (report.notices.length > 0) out.push('', ...report.notices);
  process.stdout.write(`${out.join('\n')}\n`);
}

export const conformanceCommand: Command = {
  name: 'conformance',
  synopsis: 'conformance --url URL',
  summary: 'check a running server against the fixture',
  help: HELP,
  options: ['url', 'token', 'token-b', 'only', 'junit', 'json'],
  async run(args, rest) {
    positionals(rest, 'conformance', []);
    const url = serverUrl(args, process.env);
    const token = stringOption(args, 'token') ?? (process.env.AGENT_PROTOCOL_TOKEN || undefined);
    const tokenB = stringOption(args, 'token-b');
    if (tokenB !== undefined && token === undefined)
      throw new UsageError('--token-b is the second principal: give --token too.');
    const only = stringOption(args, 'only')
      ?.split(',')
      .map((g) => g.trim())
      .filter((g) => g !== '');
    // Loaded here: the fixture is only needed by this command (and never vitest).
    const { runAgainstUrl, reportToJunit, urlGroups, UnreachableServerError } =
      await import('@agent-protocol/conformance/url');
    const unknown = (only ?? []).filter((g) => !urlGroups().includes(g));
    if (unknown.length > 0) {
      throw new UsageError(
        `Unknown group(s): ${unknown.join(', ')}. The groups: ${urlGroups().join(', ')}.`,
      );
    }
    const progress = process.stderr.isTTY;
    let done = 0;
    let report: Report;
    try {
      report = await runAgainstUrl({
        url,
        ...(token !== undefined && { token }),
        ...(tokenB !== undefined && { tokenB }),
        ...(only !== undefined && { only }),
        onResult: (r) => {
          done++;
          if (progress) process.stderr.write(`\r\x1b[2K${done} cases… ${r.group}`);
        },
      });
    } catch (error) {
      if (error instanceof UnreachableServerError) {
        process.stderr.write(`${error.message}\n`);
        return EXIT.failed;
      }
      throw error;
    } finally {
      if (progress) process.stderr.write('\r\x1b[2K');
    }
    const junit = stringOption(args, 'junit');
    if (junit !== undefined) await writeFile(junit, reportToJunit(report));
    if (args.values.json) printJson(report);
    else printReport(report);
    return report.failed > 0 ? EXIT.failed : EXIT.ok;
  },
};
