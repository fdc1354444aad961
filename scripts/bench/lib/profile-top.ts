/**
 * The top frames of a `node --cpu-prof` profile: self time by package and by function, and total
 * (inclusive) time of the functions named on the command line.
 *   node scripts/bench/lib/profile-top.ts <file.cpuprofile | dir> [--top=30] [--total=name,name]
 */
import { parseArgs } from 'node:util';
import { readCpuProfile, summariseCpuProfile } from './cpu-profile.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '30' }, total: { type: 'string', default: '' } },
});
const { file, profile } = readCpuProfile(positionals[0]!);
const { busy, text } = summariseCpuProfile(profile, {
  functions: Number(values.top),
  totals: values.total.split(',').filter(Boolean),
});
console.log(`${file}: ${profile.samples.length} samples, ${busy} not idle (percentages of those)\n\n${text}`);
