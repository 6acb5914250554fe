import { IsISO8601, IsNotEmpty, IsObject, IsOptional, IsString } from 'class-validator';

/**
 * The envelope every Inkbox webhook shares. `'*'` handlers receive events of types this version
 * has no class for as an instance of this class. Properties Inkbox adds later are kept as sent.
 */
export class InkboxEvent {
  /** Stable event id (`evt_…`), the same across retries and replays. Absent on older payloads. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  id?: string;

  /** The event type, e.g. `message.bounced`. */
  @IsString()
  @IsNotEmpty()
  event_type!: string;

  /** When the event happened (ISO-8601). Not the same as the `X-Inkbox-Timestamp` header. */
  @IsISO8601()
  timestamp!: string;

  /** Event data; its shape depends on the event family. */
  @IsObject()
  data!: Record<string, unknown>;

  [extra: string]: unknown;
}
