import { IsInt, IsOptional, IsString } from 'class-validator';

/** A tapback currently attached to an iMessage (`message.reactions[]`). */
export class IMessageMessageReaction {
  @IsString()
  id!: string;

  /** `inbound` or `outbound`. */
  @IsString()
  direction!: 'inbound' | 'outbound' | (string & {});

  /** `love`, `like`, `dislike`, `laugh`, `emphasize`, `question`, `eyes` or `custom`. */
  @IsString()
  reaction!: string;

  /** The emoji when `reaction` is `custom`; null otherwise. */
  @IsOptional()
  @IsString()
  custom_emoji?: string | null;

  @IsString()
  remote_number!: string;

  /** Which part of the message the tapback is on. */
  @IsInt()
  part_index!: number;

  @IsString()
  created_at!: string;

  [extra: string]: unknown;
}
