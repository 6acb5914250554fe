import { Type } from 'class-transformer';
import { IsObject, IsOptional, ValidateNested } from 'class-validator';
import { WebhookContextBlock } from './webhook-context-block.dto.js';

/**
 * `data.context` of a received event whose subscription asked for conversation history: one block
 * per configured class. Absent otherwise.
 */
export class WebhookContext {
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => WebhookContextBlock)
  email?: WebhookContextBlock;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => WebhookContextBlock)
  texts?: WebhookContextBlock;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => WebhookContextBlock)
  calls?: WebhookContextBlock;

  [extra: string]: unknown;
}
