import { isInkboxCapturedHandler } from './inkbox-captured-route.decorator.js';

/** An Express (router 1.x/2.x) layer as far as the matcher reads it. */
interface LayerLike {
  route?: { methods?: Record<string, boolean>; stack?: Array<{ handle?: unknown; method?: string }> };
  match?(path: string): unknown;
  params?: unknown;
  path?: unknown;
  keys?: unknown;
}

/** The Express application (4 or 5) as far as the matcher reads it. */
export interface ExpressAppLike {
  router?: { stack?: LayerLike[] };
  _router?: { stack?: LayerLike[] };
}

/** The request as the matcher reads it: Express's own `req.path` (the router's pathname). */
export interface ExpressRequestLike {
  method?: string;
  path?: string;
}

function handlesPost(layer: LayerLike): boolean {
  const methods = layer.route?.methods;
  return !!methods && (methods.post === true || methods._all === true);
}

/** Asks the layer, as the router does, whether it matches; leaves no state on the layer. */
function layerMatches(layer: LayerLike, path: string): boolean {
  if (typeof layer.match !== 'function') return false;
  const { params, path: matchedPath, keys } = layer;
  try {
    return !!layer.match(path);
  } catch {
    return false; // a malformed escape: the router answers 400 itself
  } finally {
    // routers before 2.2 store the match on the layer: put back what was there
    layer.params = params;
    layer.path = matchedPath;
    layer.keys = keys;
  }
}

function isCaptured(layer: LayerLike): boolean {
  return (layer.route?.stack ?? []).some(
    (entry) => (entry.method === undefined || entry.method === 'post') && isInkboxCapturedHandler(entry.handle),
  );
}

/**
 * Decides, for an Express app, whether the router would send a request to a captured route: the
 * first POST route whose path matches the request's pathname (the router's own layers, with the
 * app's case-sensitivity, strict-routing, prefix and versioning as registered) must be a captured
 * route. Other routes are found lazily, once the app registered them.
 */
export function createExpressCaptureMatcher(app: ExpressAppLike): (req: ExpressRequestLike) => boolean {
  let stackSeen: LayerLike[] | undefined;
  let lengthSeen = -1;
  let captured: LayerLike[] = [];
  const refresh = (stack: LayerLike[]) => {
    if (stack === stackSeen && stack.length === lengthSeen) return;
    stackSeen = stack;
    lengthSeen = stack.length;
    captured = stack.filter((layer) => layer.route && handlesPost(layer) && isCaptured(layer));
  };
  return (req) => {
    if (req.method !== 'POST') return false;
    const stack = (app.router ?? app._router)?.stack;
    const path = req.path;
    if (!stack || typeof path !== 'string') return false;
    refresh(stack);
    // the common case: no captured route matches, one comparison per captured route
    if (!captured.some((layer) => layerMatches(layer, path))) return false;
    for (const layer of stack) {
      if (!layer.route || !handlesPost(layer) || !layerMatches(layer, path)) continue;
      return captured.includes(layer);
    }
    return false;
  };
}
