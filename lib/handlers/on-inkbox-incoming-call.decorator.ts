import { INKBOX_INCOMING_CALL_HANDLER_METADATA } from '../inkbox.constants.js';
import type { PhoneIncomingCallEvent } from '../events/dto/phone-incoming-call-event.dto.js';
import type {
  InkboxIncomingCallContext,
  InkboxIncomingCallDecision,
} from './inkbox-incoming-call-decision.interface.js';

/** The method shape `@OnInkboxIncomingCall()` accepts. */
export type InkboxIncomingCallHandlerMethod = (
  call: PhoneIncomingCallEvent,
  context: InkboxIncomingCallContext,
) => InkboxIncomingCallDecision | Promise<InkboxIncomingCallDecision>;

/**
 * Marks the one method that decides incoming calls (`phone.incoming_call`, posted to the module's
 * incoming-call route). It receives the validated call and returns, or resolves to,
 * `{ action: 'answer' | 'reject', client_websocket_url? }`. A method that throws, answers something
 * else or takes longer than `incomingCall.timeoutMs` rejects the call. At most one such method per
 * app (startup fails otherwise); with none, every call is rejected. Singleton providers only.
 *
 * @example
 * \@OnInkboxIncomingCall()
 * decide(call: PhoneIncomingCallEvent): InkboxIncomingCallDecision {
 *   return { action: 'answer', client_websocket_url: 'wss://agent.example.com/calls' };
 * }
 */
export function OnInkboxIncomingCall(): <M extends InkboxIncomingCallHandlerMethod>(
  target: object,
  propertyKey: string | symbol,
  descriptor: TypedPropertyDescriptor<M>,
) => void {
  return (_target, _propertyKey, descriptor) => {
    const method = descriptor.value as object | undefined;
    if (typeof method !== 'function') throw new TypeError('@OnInkboxIncomingCall decorates methods only.');
    Reflect.defineMetadata(INKBOX_INCOMING_CALL_HANDLER_METADATA, true, method);
  };
}
