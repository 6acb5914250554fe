/**
 * The BullMQ job id of an event: its key, with `%` and `:` written as `%25` and `%3A` (BullMQ
 * reserves `:`), and a leading `%` when the result would be a whole number (BullMQ refuses those).
 * `evt_…` ids are used unchanged.
 */
export function inkboxJobId(eventKey: string): string {
  const escaped = eventKey.replace(/[%:]/g, (c) => (c === '%' ? '%25' : '%3A'));
  return `${parseInt(escaped, 10)}` === escaped ? `%${escaped}` : escaped;
}
