/** True for `application/json` and any `+json` media type, with or without parameters such as charset. */
export function isJsonContentType(header: string | string[] | undefined): boolean {
  if (typeof header !== 'string') return false;
  const semicolon = header.indexOf(';');
  const type = (semicolon === -1 ? header : header.slice(0, semicolon)).trim().toLowerCase();
  if (type === 'application/json') return true;
  const slash = type.indexOf('/');
  return slash > 0 && type.endsWith('+json') && !type.includes(' ');
}
