import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const tracked = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter((file) => file && !file.endsWith('package-lock.json') && !file.endsWith('.png'));

describe('the repository', () => {
  it('has no merge conflict markers left in a tracked file', () => {
    const marked = tracked.filter((file) => {
      let text: string;
      try {
        text = readFileSync(new URL(file, root), 'utf8');
      } catch {
        return false; // deleted in the work tree
      }
      return /^(<{7} |={7}$|>{7} )/m.test(text);
    });
    expect(marked).toEqual([]);
  });
});
