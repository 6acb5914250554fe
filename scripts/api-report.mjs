// The API report: what the package exports, as recorded in etc/*.api.md (reviewed in pull requests).
//   node scripts/api-report.mjs           check: fails when the built package's API differs from the report
//   node scripts/api-report.mjs --update  write the reports anew (then review and commit the diff)
// Run `npm run build` first (the npm scripts api:check and api:update do).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const update = process.argv.includes('--update');
const configs = ['api-extractor.json', 'api-extractor.testing.json'];

if (!existsSync(join(root, 'dist/cjs/index.d.ts'))) {
  console.error('dist/ is missing: run npm run build first.');
  process.exit(1);
}

let failed = false;
for (const name of configs) {
  const config = ExtractorConfig.loadFileAndPrepare(join(root, name));
  const result = Extractor.invoke(config, { localBuild: update, showVerboseMessages: false });
  const report = config.reportFilePath ?? name;
  if (result.succeeded && !result.apiReportChanged) {
    console.log(`api report ${report}: unchanged`);
  } else if (update) {
    console.log(`api report ${report}: updated, review the diff and commit it`);
  } else {
    failed = true;
    console.error(
      `api report ${report}: the public API changed (${result.errorCount} errors, ${result.warningCount} warnings).\n` +
        'Review the change; if it is intended, run `npm run api:update` and commit etc/*.api.md.',
    );
  }
}
process.exit(failed ? 1 : 0);
