import { defineAgent, type HandlerContext, type StepResult } from '@agent-protocol/core';
import { describe, expect, it } from 'vitest';
import {
  runCase,
  secretCases,
  secretScenarios,
  startReferenceServer,
  withServer,
  type StartOptions,
  type StartServer,
} from '../src/index.js';

/**
 * A server whose agent does the reference agent's work, then makes one more mistake with the
 * value of a secret it used: how the fixture proves its secret checks can fail.
 */
function leaky(
  mistake: (
    value: string,
    ctx: HandlerContext,
    options: StartOptions,
    result: StepResult,
  ) => Promise<StepResult> | StepResult,
): StartServer {
  return (options) => {
    const reference = options.agent;
    const agent = defineAgent({
      ...reference,
      async onStep(args) {
        const result = (await reference.onStep(args)) as StepResult;
        const key = /^use secret (\S+)$/i.exec(args.input ?? '')?.[1];
        const value = key ? await args.ctx.secrets.get(key) : undefined;
        return value ? mistake(value, args.ctx, options, result) : result;
      },
    });
    return startReferenceServer({ ...options, agent });
  };
}

const named = (part: string) => {
  const found = secretCases.find((c) => c.name.includes(part));
  if (!found) throw new Error(`no secrets case "${part}"`);
  return found;
};
const noTrace = secretScenarios.find((s) => s.captureLog)!;
const runNoTrace = (start: StartServer) =>
  withServer(start, noTrace.run, { captureLog: noTrace.captureLog });

describe('the secrets fixture', () => {
  it('fails a server whose step answers with the value, even base64-encoded', async () => {
    const start = leaky((value, _ctx, _options, result) => ({
      ...result,
      output: `${result.output} (${Buffer.from(value).toString('base64')})`,
    }));
    const testCase = named('demand → store → the next empty step continues');
    const outcome = await withServer(start, (h) => runCase(h.baseUrl, testCase));
    expect(outcome.problems.join('\n')).toMatch(/then 1: body: contains the credential/);
  });

  it('passes the reference server on the same case', async () => {
    const testCase = named('demand → store → the next empty step continues');
    const outcome = await withServer(startReferenceServer, (h) => runCase(h.baseUrl, testCase));
    expect(outcome.problems).toEqual([]);
  });

  it('fails a server that writes a value to its data dir', async () => {
    const start = leaky(async (value, ctx, _options, result) => {
      await ctx.artifacts.create({ fileName: 'oops.txt', data: value });
      return result;
    });
    await expect(runNoTrace(start)).rejects.toThrow(/form 1: in the file artifacts\//);
  });

  it('fails a server that logs a value (hex) around its redacting logger', async () => {
    const start = leaky((value, _ctx, options, result) => {
      options.logger?.info(`debug ${Buffer.from(value).toString('hex')}`);
      return result;
    });
    await expect(runNoTrace(start)).rejects.toThrow(/: in log line \d+/);
  });

  it('fails a start function that drops the logger: the log check would prove nothing', async () => {
    const dropsLogger: StartServer = ({ agent, dataDir, limits, streams, shutdownGraceMs }) =>
      startReferenceServer({ agent, dataDir, limits, streams, shutdownGraceMs });
    await expect(runNoTrace(dropsLogger)).rejects.toThrow(/did the server get the `logger` option/);
  });
});
