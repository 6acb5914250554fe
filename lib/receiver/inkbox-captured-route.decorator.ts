/** Metadata key marking a controller method whose requests the raw-body capture reads. */
export const INKBOX_CAPTURED_ROUTE_METADATA = 'nestjs-inkbox:captured-route';
/** Key set in the Fastify route config of a captured route (read by the capture's `onRoute` hook). */
export const INKBOX_CAPTURED_ROUTE_CONFIG = 'nestjsInkboxCapturedRoute';
// @nestjs/platform-fastify copies this metadata of a handler into its Fastify route config
const FASTIFY_ROUTE_CONFIG_METADATA = '__fastify_route_config__';

/**
 * Marks a POST route of the module's own controllers as one whose exact body bytes the raw-body
 * capture keeps. The capture then acts on exactly the requests that the router sends to this
 * route (same prefix, versioning, case and trailing-slash rules, decoding), and on no other.
 * Requests to it are judged by their `X-Inkbox-*` headers before the body is read.
 */
export function InkboxCapturedRoute(): MethodDecorator {
  return (_target, _key, descriptor) => {
    const method = descriptor.value as object;
    Reflect.defineMetadata(INKBOX_CAPTURED_ROUTE_METADATA, true, method);
    const config =
      (Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, method) as Record<string, unknown> | undefined) ?? {};
    Reflect.defineMetadata(FASTIFY_ROUTE_CONFIG_METADATA, { ...config, [INKBOX_CAPTURED_ROUTE_CONFIG]: true }, method);
    return descriptor;
  };
}

/** True when a route handler (as registered with the HTTP adapter) belongs to a captured route. */
export function isInkboxCapturedHandler(handler: unknown): boolean {
  return typeof handler === 'function' && Reflect.getMetadata(INKBOX_CAPTURED_ROUTE_METADATA, handler) === true;
}
