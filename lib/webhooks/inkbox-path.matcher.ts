/**
 * Matches request paths against the webhook route by its trailing segments, so the app's global
 * prefix and URI version (which come before the route) never need to be known. `:name` segments
 * match any one segment. Comparison ignores case, as Express routing does by default.
 */
export function createInkboxPathMatcher(routePath: string): (url: string) => boolean {
  const pattern = routePath.split('/').filter(Boolean).map((s) => (s.startsWith(':') ? null : s.toLowerCase()));
  return (url: string) => {
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const segments = path.split('/').filter(Boolean);
    if (segments.length < pattern.length) return false;
    const offset = segments.length - pattern.length;
    for (let i = 0; i < pattern.length; i++) {
      const expected = pattern[i];
      const actual = segments[offset + i]!;
      if (expected !== null && actual.toLowerCase() !== expected) return false;
    }
    return true;
  };
}
