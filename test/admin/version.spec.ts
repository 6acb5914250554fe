import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NESTJS_INKBOX_VERSION } from '../../lib/admin/version';

describe('NESTJS_INKBOX_VERSION', () => {
  it('equals the version in package.json (it is the User-Agent version)', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    expect(NESTJS_INKBOX_VERSION).toBe(pkg.version);
  });
});
