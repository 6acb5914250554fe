import { IsNumber } from 'class-validator';

/** `rate_limit` of an incoming call: the organisation's call and minute usage. */
export class PhoneRateLimit {
  @IsNumber()
  calls_used!: number;

  @IsNumber()
  calls_remaining!: number;

  @IsNumber()
  calls_limit!: number;

  @IsNumber()
  minutes_used!: number;

  @IsNumber()
  minutes_remaining!: number;

  @IsNumber()
  minutes_limit!: number;

  [extra: string]: unknown;
}
