/**
 * Version of this package, sent in the `User-Agent` header of every Inkbox API request
 * (`nestjs-inkbox/<version>`). Kept equal to `package.json` by a test.
 */
export const NESTJS_INKBOX_VERSION = '0.1.0';
