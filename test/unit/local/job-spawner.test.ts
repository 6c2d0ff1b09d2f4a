// Jobs are started by the helper process, not forked from the (large) runtime: their parent is the helper,
// output and exit status come back in order, a kill ends the job's whole process group, and stopping the
// helper ends the jobs still running.
import { readFileSync } from 'node:fs';
import { JobSpawner } from '../../../local/job-spawner';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 50));
}

function run(spawner: JobSpawner, script: string) {
  const out = { stdout: '', stderr: '' };
  const job = spawner.spawn('bash', ['-c', script], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    cwd: process.cwd(),
    onOutput: (text, stream) => (out[stream] += text),
  });
  return { job, out };
}

let spawner: JobSpawner;
beforeEach(() => {
  spawner = new JobSpawner().start();
});
afterEach(() => spawner.stop());

test("a job's parent is the helper, not this process; output and exit status come back", async () => {
  const { job, out } = run(spawner, 'echo "parent $PPID"; printf "é\\n%.0s" 1 2 3; echo oops >&2; exit 3');
  expect(await job.exited).toBe(3);
  const parent = Number(/parent (\d+)/.exec(out.stdout)![1]);
  expect(parent).not.toBe(process.pid);
  const stat = readFileSync(`/proc/${parent}/stat`, 'utf8');
  expect(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])).toBe(process.pid); // …whose parent is us
  expect(out.stdout).toContain('é\né\né\n');
  expect(out.stderr).toBe('oops\n');
});

test('a command that cannot start reports 127', async () => {
  const job = spawner.spawn('/nonexistent/command', [], { env: {}, cwd: process.cwd(), onOutput: () => undefined });
  expect(await job.exited).toBe(127);
});

test("kill ends the job's whole process group", async () => {
  const { job, out } = run(spawner, 'sleep 300 & echo "child $!"; wait');
  await until(() => /child \d+/.test(out.stdout));
  const child = Number(/child (\d+)/.exec(out.stdout)![1]);
  expect(alive(child)).toBe(true);
  job.kill('SIGKILL');
  expect(await job.exited).toBe(137);
  await until(() => !alive(child));
});

test('stopping the helper ends the jobs still running', async () => {
  const { job, out } = run(spawner, 'echo "me $$"; sleep 300');
  await until(() => /me \d+/.test(out.stdout));
  const pid = Number(/me (\d+)/.exec(out.stdout)![1]);
  spawner.stop();
  expect(await job.exited).toBeGreaterThan(0);
  await until(() => !alive(pid));
});
