import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// A clone has only what git tracks: a link must land on a tracked file, not on a local leftover.
const root = fileURLToPath(new URL('../../', import.meta.url));
const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
  .split('\0')
  .filter(Boolean);
const trackedSet = new Set(tracked);
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const markdown = tracked.filter((path) => path.endsWith('.md'));

/** Fenced blocks and inline code hold examples, not links or headings. */
const withoutFences = (text: string) => text.replace(/^```[\s\S]*?^```/gm, '');
const prose = (text: string) => withoutFences(text).replace(/`[^`\n]*`/g, '');

/** `[text](target)`, `![alt](target)` and `[label]: target` targets. */
function linkTargets(text: string): string[] {
  const body = prose(text);
  const inline = [...body.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!);
  const references = [...body.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) => m[1]!);
  return [...inline, ...references];
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const [, heading] of withoutFences(text).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const slug = heading!
      .replace(/`/g, '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count ? `${slug}-${count}` : slug);
  }
  return anchors;
}

const isTrackedDirectory = (path: string) => tracked.some((file) => file.startsWith(`${path}/`));

/** Why a relative link from `from` does not resolve, or null when it does. */
function brokenLink(from: string, target: string): string | null {
  const [rawPath, anchor] = target.split('#', 2) as [string, string | undefined];
  const path = rawPath ? normalize(join(dirname(from), decodeURIComponent(rawPath))) : from;
  const file = path.replace(/\/$/, '');
  if (file.startsWith('..')) return 'points outside the repository';
  if (!trackedSet.has(file) && !isTrackedDirectory(file)) return 'no such tracked file';
  if (anchor && file.endsWith('.md') && !anchorsOf(read(file)).has(anchor)) return `no heading #${anchor}`;
  return null;
}

const isRelative = (target: string) => !/^[a-z][a-z0-9+.-]*:/i.test(target);

describe('the repository stands alone', () => {
  it('has Markdown files to check', () => {
    expect(markdown).toEqual(expect.arrayContaining(['README.md', 'docs/architecture.md', 'docs/api.md']));
  });

  it('resolves every relative link in every tracked Markdown file to a tracked file (and heading)', () => {
    const broken = markdown.flatMap((from) =>
      linkTargets(read(from))
        .filter(isRelative)
        .map((target) => ({ from, target, problem: brokenLink(from, target) }))
        .filter((link) => link.problem !== null),
    );
    expect(broken).toEqual([]);
  });

  it('mentions no folder outside it', () => {
    const outside = ['..', 'shared'].join('/');
    const mentions = tracked.filter((path) => read(path).includes(outside));
    expect(mentions).toEqual([]);
  });
});
