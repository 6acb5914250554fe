import { createInkboxPathMatcher } from './inkbox-path.matcher';

describe('createInkboxPathMatcher', () => {
  it.each([
    ['inkbox/webhooks', '/inkbox/webhooks', true],
    ['inkbox/webhooks', '/api/v1/inkbox/webhooks?x=1', true],
    ['inkbox/webhooks', '/Inkbox/Webhooks/', true],
    ['inkbox/webhooks', '/xinkbox/webhooks', false],
    ['inkbox/webhooks', '/inkbox/webhooks/extra', false],
    ['inkbox/webhooks', '/webhooks', false],
    ['/hooks/', '/svc/hooks', true],
    ['inkbox/webhooks/:identity', '/inkbox/webhooks/billing', true],
    ['inkbox/webhooks/:identity', '/api/inkbox/webhooks/billing?x', true],
    ['inkbox/webhooks/:identity', '/inkbox/webhooks', false],
    ['inkbox/:kind/hook', '/inkbox/mail/hook', true],
    ['inkbox/:kind/hook', '/inkbox/mail/other', false],
  ])('%s matches %s: %s', (route, url, expected) => {
    expect(createInkboxPathMatcher(route)(url)).toBe(expected);
  });
});
