import {
  RequestMethod,
  VERSION_NEUTRAL,
  VersioningType,
  type ControllerOptions,
  type VersioningOptions,
} from '@nestjs/common';
import type { InkboxRoute } from '../receiver/inkbox-route.interface.js';

/** A global prefix exclusion as Nest keeps it (only the parts used here). */
interface ExcludedRoute {
  pathRegex?: RegExp;
  requestMethod?: RequestMethod;
}

/** What the public webhook URL is made of. */
export interface InkboxWebhookUrlParts {
  /** Public base URL of the app, e.g. `https://api.example.com`. */
  publicUrl: string;
  /** The app's global prefix (`app.setGlobalPrefix`), possibly empty. */
  globalPrefix?: string;
  /** Global prefix exclusions (as Nest keeps them); a webhook route excluded for POST gets no prefix. */
  globalPrefixExclude?: readonly unknown[];
  /** The app's versioning options (`app.enableVersioning`), if any. */
  versioning?: VersioningOptions;
  /** The webhook controller's route (what the module provides under `INKBOX_ROUTE`). */
  route: InkboxRoute;
}

const trimSlashes = (value: string): string => value.replace(/^\/+|\/+$/g, '');

/**
 * The URL Inkbox must POST to: public URL + global prefix + URI version segment + webhook path.
 * Throws when the path holds parameters (`:identity`), which only the app can fill in.
 */
export function buildInkboxWebhookUrl(parts: InkboxWebhookUrlParts): string {
  const path = trimSlashes(parts.route.path);
  if (/(^|\/):|[*{]/.test(path)) {
    throw new Error(
      `the webhook path "${path}" has parameters; call setWebhookUrl yourself with the full URL of each mailbox.`,
    );
  }
  const prefix = isExcluded(path, parts.globalPrefixExclude) ? '' : trimSlashes(parts.globalPrefix ?? '');
  const segments = [prefix, uriVersionSegment(parts.route.version, parts.versioning), path].filter(
    (segment) => segment !== '',
  );
  return `${parts.publicUrl.replace(/\/+$/, '')}/${segments.join('/')}`;
}

/** The URL without query or fragment, for log lines (a query might hold a token). */
export function displayUrl(url: string): string {
  return url.replace(/[?#].*$/, '');
}

function isExcluded(path: string, exclude: readonly unknown[] | undefined): boolean {
  return (exclude ?? []).some((entry) => {
    const { pathRegex, requestMethod } = (entry ?? {}) as ExcludedRoute;
    const coversPost =
      requestMethod === undefined || requestMethod === RequestMethod.ALL || requestMethod === RequestMethod.POST;
    return coversPost && pathRegex instanceof RegExp && pathRegex.test(`/${path}`);
  });
}

function uriVersionSegment(
  routeVersion: ControllerOptions['version'],
  versioning: VersioningOptions | undefined,
): string {
  if (!versioning || versioning.type !== VersioningType.URI) return '';
  const version = routeVersion ?? versioning.defaultVersion;
  const versions = Array.isArray(version) ? version : [version];
  if (versions.includes(VERSION_NEUTRAL)) return '';
  const first = versions.find((value): value is string => typeof value === 'string');
  if (first === undefined) return '';
  const prefix = versioning.prefix === false ? '' : (versioning.prefix ?? 'v');
  return `${prefix}${first}`;
}
