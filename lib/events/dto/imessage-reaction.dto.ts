import { IsInt, IsOptional, IsString } from 'class-validator';

/** `data.reaction` of `imessage.reaction_received`: a tapback on a message. */
export class IMessageReaction {
  @IsString()
  id!: string;

  @IsString()
  conversation_id!: string;

  /** Null on group conversations. */
  @IsOptional()
  @IsString()
  assignment_id?: string | null;

  /** The message the tapback is on. */
  @IsString()
  target_message_id!: string;

  /** `inbound` or `outbound`. */
  @IsString()
  direction!: 'inbound' | 'outbound' | (string & {});

  /** `love`, `like`, `dislike`, `laugh`, `emphasize`, `question`, `eyes` or `custom`. */
  @IsString()
  reaction!: 'love' | 'like' | 'dislike' | 'laugh' | 'emphasize' | 'question' | 'eyes' | 'custom' | (string & {});

  /** The emoji when `reaction` is `custom`; null for named reactions. */
  @IsOptional()
  @IsString()
  custom_emoji?: string | null;

  @IsString()
  remote_number!: string;

  @IsInt()
  part_index!: number;

  @IsString()
  created_at!: string;

  @IsString()
  updated_at!: string;

  [extra: string]: unknown;
}
