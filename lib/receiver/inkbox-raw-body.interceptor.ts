import { InkboxEventInterceptor } from './inkbox-event.interceptor.js';

/**
 * The former name of {@link InkboxEventInterceptor}, which parses the verified event (it never
 * exposed the raw body).
 *
 * @deprecated Use `InkboxEventInterceptor`; this alias will be removed in the next major version.
 */
export const InkboxRawBodyInterceptor = InkboxEventInterceptor;
/** @deprecated Use `InkboxEventInterceptor`. */
export type InkboxRawBodyInterceptor = InkboxEventInterceptor;
