import { InkboxModule, InkboxSignatureGuard } from 'nestjs-inkbox';
import { createInkboxEvent } from 'nestjs-inkbox/testing';

export const mod = InkboxModule.forRootAsync({ useFactory: () => ({ signingKey: 'k' }) });
export const guard: typeof InkboxSignatureGuard = InkboxSignatureGuard;
export const type: 'message.failed' = createInkboxEvent('message.failed').event_type;
