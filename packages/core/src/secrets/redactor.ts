const MASK = '[REDACTED]';

/** The encodings a value could be logged in by mistake. */
function forms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  return [
    value,
    bytes.toString('base64'),
    bytes.toString('base64url'),
    bytes.toString('hex'),
    bytes.toString('hex').toUpperCase(),
    encodeURIComponent(value),
    JSON.stringify(value).slice(1, -1),
  ];
}

/** Values this short are masked only as whole words: masking every `x` would ruin the log. */
const SHORT = 6;

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Knows every secret value this process has seen (stored or read) and masks them, in each of
 * their usual encodings, in any text bound for a log.
 */
export class Redactor {
  private patterns: string[] = [];
  private shortPattern: RegExp | undefined;
  private readonly short: string[] = [];
  private readonly seen = new Set<string>();

  add(value: string): void {
    if (!value || this.seen.has(value)) return;
    this.seen.add(value);
    if (value.length < SHORT) {
      this.short.push(...forms(value).filter((f) => f.length < SHORT));
      this.shortPattern = new RegExp(
        `(?<![A-Za-z0-9])(?:${this.short.map(escape).join('|')})(?![A-Za-z0-9])`,
        'g',
      );
    }
    const next = new Set([...this.patterns, ...forms(value).filter((f) => f.length >= SHORT)]);
    // Longest first, so a value's base64 is masked before any shorter value inside it.
    this.patterns = [...next].filter(Boolean).sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let out = text;
    for (const pattern of this.patterns)
      if (out.includes(pattern)) out = out.split(pattern).join(MASK);
    return this.shortPattern ? out.replace(this.shortPattern, MASK) : out;
  }
}
