import { Type } from 'class-transformer';
import { IsArray, IsDefined, IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';
import { A2ACaller } from './a2a-caller.dto.js';

/** `data` of every A2A event. `message_id` and `parts` come with a message; a cancel has neither. */
export class A2ATaskEventData {
  @IsString()
  task_id!: string;

  @IsString()
  context_id!: string;

  /** The task's state, e.g. `submitted`, `working`, `completed`, `canceled`. */
  @IsString()
  state!: string;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => A2ACaller)
  caller!: A2ACaller;

  @IsOptional()
  @IsString()
  message_id?: string;

  /** The message parts as sent (e.g. `{ text }`), kept as plain objects. */
  @IsOptional()
  @IsArray()
  @IsObject({ each: true })
  parts?: Record<string, unknown>[];

  [extra: string]: unknown;
}
