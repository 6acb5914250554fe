import { IsInt, IsOptional, IsString } from 'class-validator';

/** An open to-do Voice AI recorded during a call (`data.post_call_action_items[]`), in `seq` order. */
export class PostCallActionItem {
  @IsString()
  id!: string;

  @IsInt()
  seq!: number;

  @IsString()
  action!: string;

  @IsOptional()
  @IsString()
  details?: string | null;

  /** Always `open` in webhooks (canceled items are left out). */
  @IsString()
  status!: string;

  [extra: string]: unknown;
}
