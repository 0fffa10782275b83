// The CPU time a process of this machine has used so far (user + system), from
// /proc/PID/stat (Linux): for servers the benchmark runs as other processes.
import { readFile } from 'node:fs/promises';

// Linux reports it in clock ticks of USER_HZ, which is 100 on every architecture Node runs on.
const TICKS_PER_SECOND = 100;

export async function processCpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces: count the fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const [utime, stime] = [Number(fields[11]), Number(fields[12])];
  return ((utime + stime) * 1000) / TICKS_PER_SECOND;
}

/** The CPU time of several processes together (a server of several services). */
export const processesCpuMs = async (pids: readonly number[]): Promise<number> => (await Promise.all(pids.map(processCpuMs))).reduce((a, b) => a + b, 0);
