/** Timing helpers the benches share. */

/** Runs `work` `count` times, one after another, and returns each run's milliseconds. */
export async function timed(count: number, work: (i: number) => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await work(i);
    samples.push(performance.now() - started);
  }
  return samples;
}
