const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3_600, d: 86_400 };

/** `90`, `90s`, `15m`, `1h`, `30d` → seconds (the layout's DURATION pattern has been checked). */
export function durationSeconds(text: string): number {
  const unit = /[smhd]$/.test(text) ? text.slice(-1) : 's';
  return Number.parseInt(text, 10) * UNIT_SECONDS[unit];
}

/** Seconds → the shortest exact form: `1h`, `30d`, `90s`. */
export function formatDuration(seconds: number): string {
  for (const unit of ['d', 'h', 'm'] as const) if (seconds % UNIT_SECONDS[unit] === 0 && seconds > 0) return `${seconds / UNIT_SECONDS[unit]}${unit}`;
  return `${seconds}s`;
}
