import { performance } from "node:perf_hooks";

/** Times `rounds` runs of `body` and returns each duration in milliseconds. */
export async function timeRounds(rounds: number, body: () => Promise<void>): Promise<number[]> {
  const durations: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const start = performance.now();
    await body();
    durations.push(performance.now() - start);
  }
  return durations;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

export function formatMs(value: number): string {
  return `${value.toFixed(1)} ms`;
}
