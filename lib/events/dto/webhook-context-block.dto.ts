import { IsArray, IsBoolean, IsNumber, IsObject, IsOptional, IsString } from 'class-validator';
import type { WebhookContextItem } from './webhook-context-item.interface.js';

/**
 * One class of conversation history under `data.context` (email, texts or calls). `items` are
 * oldest first and exclude the event itself; a skipped class has no items and says why in `skipped`.
 */
export class WebhookContextBlock {
  /** `thread`, `conversation` or `contact`. */
  @IsString()
  scope!: 'thread' | 'conversation' | 'contact' | (string & {});

  @IsArray()
  @IsObject({ each: true })
  items!: WebhookContextItem[];

  /** True when older items were dropped to stay under the size cap. */
  @IsBoolean()
  truncated!: boolean;

  /** `count` or `window`. */
  @IsOptional()
  @IsString()
  mode?: 'count' | 'window' | (string & {});

  @IsOptional()
  @IsNumber()
  requested?: number;

  @IsOptional()
  @IsNumber()
  hours?: number;

  /** `no_contact`, `no_resource` or `unavailable`. */
  @IsOptional()
  @IsString()
  skipped?: 'no_contact' | 'no_resource' | 'unavailable' | (string & {});

  [extra: string]: unknown;
}
