import { Type } from 'class-transformer';
import { IsArray, IsDefined, IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';
import { CallTranscript } from './call-transcript.dto.js';
import { InkboxPartyMatches } from './inkbox-party-matches.dto.js';
import { PhoneCall } from './phone-call.dto.js';
import { PostCallActionItem } from './post-call-action-item.dto.js';
import { WebhookContext } from './webhook-context.dto.js';

/** `data` of `call.ended`. */
export class CallEndedEventData extends InkboxPartyMatches {
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => PhoneCall)
  call!: PhoneCall;

  /** The transcript inline, or null when none was captured. */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CallTranscript)
  transcript!: CallTranscript | null;

  /** The full verbatim transcript; fetch it with an API key that can read the call. */
  @IsString()
  transcript_url!: string;

  /** Voice AI calls: `completed`, `no_answer`, `declined` or `failed`; null on `client_websocket` calls. */
  @IsOptional()
  @IsString()
  outcome?: 'completed' | 'no_answer' | 'declined' | 'failed' | (string & {}) | null;

  /** Voice AI calls: the open to-dos, in `seq` order. */
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => PostCallActionItem)
  post_call_action_items?: PostCallActionItem[];

  /** Conversation history, when the subscription opted in. */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => WebhookContext)
  context?: WebhookContext;

  [extra: string]: unknown;
}
