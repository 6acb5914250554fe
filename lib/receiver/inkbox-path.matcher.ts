/**
 * Matches request paths against the webhook route by its trailing segments, so the app's global
 * prefix and URI version (which come before the route) never need to be known. `:name` segments
 * match any one segment. Comparison ignores case, as Express routing does by default; a trailing
 * slash and the query string are ignored.
 */
export function createInkboxPathMatcher(routePath: string): (url: string) => boolean {
  const segments = routePath.split('/').filter(Boolean);
  const pattern = segments.map((s) => (s.startsWith(':') ? null : s.toLowerCase()));
  const literalTail = pattern.every((s) => s !== null) ? `/${pattern.join('/')}` : undefined;

  const pathOf = (url: string): string => {
    const query = url.indexOf('?');
    let path = query === -1 ? url : url.slice(0, query);
    while (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
    return path;
  };

  if (literalTail !== undefined) {
    // the common case: no parameters, one comparison of the path's tail
    const n = literalTail.length;
    return (url: string) => {
      const path = pathOf(url);
      return path.length >= n && path.slice(path.length - n).toLowerCase() === literalTail;
    };
  }
  return (url: string) => {
    const parts = pathOf(url).split('/').filter(Boolean);
    if (parts.length < pattern.length) return false;
    const offset = parts.length - pattern.length;
    for (let i = 0; i < pattern.length; i++) {
      const expected = pattern[i];
      if (expected !== null && parts[offset + i]!.toLowerCase() !== expected) return false;
    }
    return true;
  };
}
