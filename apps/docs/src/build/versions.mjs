// Finds every version of the spec the site documents: the spec package's current bundle
// (spec/dist) and the archived bundle of each published version (spec/versions/<version>/).
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';

/**
 * @typedef {Record<string, any>} OpenApiDocument
 *
 * @typedef {object} SpecVersion
 * @property {string} id        URL segment and anchor: the version (`1.2.0`), or `unreleased`.
 * @property {string} version   The spec package version this document carries.
 * @property {string} label     What readers see: `v1.2.0`, or `Unreleased (after v1.2.0)`.
 * @property {boolean} published  Whether it was published (has an archive under spec/versions).
 * @property {OpenApiDocument} document  The bundled OpenAPI document.
 * @property {string} jsonPath  Where the bundled JSON is on disk.
 * @property {string | undefined} yamlPath  Where the bundled YAML is on disk, when there is one.
 *
 * @typedef {object} SpecSources
 * @property {string} specDir   The spec package directory.
 * @property {string} packageVersion  spec/package.json "version".
 * @property {SpecVersion} latest  What /reference/ shows: the spec package's current bundle.
 * @property {SpecVersion[]} versions  Every documented version, newest first (includes `latest`).
 * @property {string | undefined} changelog  spec/CHANGELOG.md, when it exists.
 */

/** Where `@agent-protocol/spec` is installed (the workspace package, through its symlink). */
export function resolveSpecDir() {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('@agent-protocol/spec/package.json'));
}

/**
 * Parses `1.2.3`, `1.2.3-beta.1`; anything else sorts after every semver, by name.
 * @param {string} version
 */
function parseSemver(version) {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(version);
  if (!m) return undefined;
  return { core: [Number(m[1]), Number(m[2]), Number(m[3])], pre: m[4] ? m[4].split('.') : [] };
}

/**
 * Semver precedence, for sorting: negative when `a` is older than `b`.
 * @param {string} a
 * @param {string} b
 */
export function compareVersions(a, b) {
  const pa = parseSemver(a);
  const pb = parseSemver(b);
  if (!pa || !pb) return pa ? -1 : pb ? 1 : a.localeCompare(b);
  for (let i = 0; i < 3; i++) {
    const d = /** @type {number} */ (pa.core[i]) - /** @type {number} */ (pb.core[i]);
    if (d !== 0) return d;
  }
  // A release outranks its prereleases.
  if (pa.pre.length === 0 || pb.pre.length === 0) return pb.pre.length - pa.pre.length;
  for (let i = 0; i < Math.max(pa.pre.length, pb.pre.length); i++) {
    const x = pa.pre[i];
    const y = pb.pre[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x) ? Number(x) : undefined;
    const ny = /^\d+$/.test(y) ? Number(y) : undefined;
    if (nx !== undefined && ny !== undefined) {
      if (nx !== ny) return nx - ny;
    } else if (nx !== undefined) return -1;
    else if (ny !== undefined) return 1;
    else if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** @param {string} file */
async function readJson(file) {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(
      `Cannot read the OpenAPI document ${file}: ${/** @type {Error} */ (error).message}`,
      {
        cause: error,
      },
    );
  }
}

/** A version string is used as a directory name and a URL segment: keep it boring. */
const SAFE_VERSION = /^[0-9A-Za-z][0-9A-Za-z.+-]*$/;

/**
 * Reads the spec package: its version, its current bundle, every archived version and the
 * changelog.
 * @param {string} [specDir]
 * @returns {Promise<SpecSources>}
 */
export async function loadSpecSources(specDir = resolveSpecDir()) {
  const pkg = JSON.parse(await readFile(join(specDir, 'package.json'), 'utf8'));
  const packageVersion = String(pkg.version);
  const distJson = join(specDir, 'dist', 'openapi.json');
  if (!existsSync(distJson)) {
    throw new Error(
      `${distJson} does not exist: build the spec first (pnpm --filter @agent-protocol/spec build; turbo does this for you).`,
    );
  }
  const distYaml = join(specDir, 'dist', 'openapi.yaml');
  const current = await readJson(distJson);

  /** @type {SpecVersion[]} */
  const archived = [];
  const versionsDir = join(specDir, 'versions');
  if (existsSync(versionsDir)) {
    for (const entry of await readdir(versionsDir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const jsonPath = join(versionsDir, entry.name, 'openapi.json');
      if (!existsSync(jsonPath)) continue;
      if (!SAFE_VERSION.test(entry.name)) {
        throw new Error(
          `spec/versions/${entry.name}: a version directory must be named like 1.2.3.`,
        );
      }
      const yamlPath = join(versionsDir, entry.name, 'openapi.yaml');
      archived.push({
        id: entry.name,
        version: entry.name,
        label: `v${entry.name}`,
        published: true,
        document: await readJson(jsonPath),
        jsonPath,
        yamlPath: existsSync(yamlPath) ? yamlPath : undefined,
      });
    }
  }

  const sameVersion = archived.find((v) => v.version === packageVersion);
  /** @type {SpecVersion} */
  let latest;
  if (!sameVersion) {
    // Not archived (yet): the package's version is documented from its current bundle.
    latest = {
      id: packageVersion,
      version: packageVersion,
      label: `v${packageVersion}`,
      published: false,
      document: current,
      jsonPath: distJson,
      yamlPath: existsSync(distYaml) ? distYaml : undefined,
    };
    archived.push(latest);
  } else if (isDeepStrictEqual(sameVersion.document, current)) {
    latest = sameVersion;
  } else {
    // The spec changed since the last release: the published version stays as it was and the
    // current bundle is shown as unreleased.
    latest = {
      id: 'unreleased',
      version: packageVersion,
      label: `Unreleased (after v${packageVersion})`,
      published: false,
      document: current,
      jsonPath: distJson,
      yamlPath: existsSync(distYaml) ? distYaml : undefined,
    };
  }
  const versions = archived.sort((a, b) => compareVersions(b.version, a.version));
  if (latest.id === 'unreleased') versions.unshift(latest);

  const changelogPath = join(specDir, 'CHANGELOG.md');
  const changelog = existsSync(changelogPath) ? await readFile(changelogPath, 'utf8') : undefined;
  return { specDir, packageVersion, latest, versions, changelog };
}

/**
 * Splits a changesets CHANGELOG.md into its per-version sections (`## 1.2.0` ... up to the next
 * `## `), keyed by version, each without its heading.
 * @param {string | undefined} markdown
 * @returns {Map<string, string>}
 */
export function splitChangelog(markdown) {
  /** @type {Map<string, string>} */
  const sections = new Map();
  if (!markdown) return sections;
  let current = /** @type {string | undefined} */ (undefined);
  /** @type {string[]} */
  let lines = [];
  let fence = false;
  const flush = () => {
    if (current !== undefined) sections.set(current, lines.join('\n').trim());
  };
  for (const line of markdown.split(/\r?\n/)) {
    if (/^\s*(```|~~~)/.test(line)) fence = !fence;
    const heading = fence ? null : /^##\s+\[?v?([0-9A-Za-z.+-]+?)\]?(?:\s.*)?$/.exec(line);
    if (heading && !line.startsWith('###')) {
      flush();
      current = /** @type {string} */ (heading[1]);
      lines = [];
    } else if (current !== undefined) {
      lines.push(line);
    }
  }
  flush();
  return sections;
}
