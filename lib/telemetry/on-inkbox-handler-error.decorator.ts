import { INKBOX_HANDLER_ERROR_METADATA } from '../inkbox.constants.js';
import type { InkboxHandlerErrorInfo } from './inkbox-handler-error.interface.js';

/**
 * Calls the decorated provider method with `{ error, event, delivery, handler }` each time an
 * `@OnInkboxEvent` handler fails: the place to report to Sentry or a similar service. It runs
 * inside the failed handler's `inkbox.handle` span; it cannot change the answer to Inkbox (what it
 * throws or rejects is logged and ignored, and the delivery does not wait for it).
 *
 * @example
 * \@Injectable()
 * export class ErrorReporter {
 *   \@OnInkboxHandlerError()
 *   report({ error, handler, event }: InkboxHandlerErrorInfo) {
 *     Sentry.captureException(error, { tags: { handler, event_type: event.event_type } });
 *   }
 * }
 */
export function OnInkboxHandlerError(): <M extends (info: InkboxHandlerErrorInfo) => unknown>(
  target: object,
  propertyKey: string | symbol,
  descriptor: TypedPropertyDescriptor<M>,
) => void {
  return (_target, _propertyKey, descriptor) => {
    if (typeof descriptor.value !== 'function') throw new TypeError('@OnInkboxHandlerError decorates methods only.');
    Reflect.defineMetadata(INKBOX_HANDLER_ERROR_METADATA, true, descriptor.value);
  };
}
