/**
 * A number of seconds in the unit a person reads at a glance: `45 s`, `12 min`, `2 h`, `1113 days`
 * (the sign is dropped). Used by the receiver's 401 messages and by `nestjs-inkbox verify`.
 */
export function formatInkboxDuration(seconds: number): string {
  const s = Math.abs(seconds);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86_400)} days`;
}

/** Like {@link formatInkboxDuration}, with the exact seconds added when the unit is not seconds. */
export function describeInkboxDuration(seconds: number): string {
  const human = formatInkboxDuration(seconds);
  return Math.abs(seconds) < 120 ? human : `${human} (${Math.abs(seconds)} s)`;
}
