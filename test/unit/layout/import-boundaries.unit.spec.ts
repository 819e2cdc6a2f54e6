import { join } from 'node:path';
import { ESLint } from 'eslint';

/*
 * The layout rule of ../shared/style.md, held by eslint.config.mjs: services
 * never import each other, and nothing below hub/ imports hub/ or cli/. Each
 * case plants an import in a file of the real tree (linted as text, never
 * written) and expects the rule to refuse it; the tree as it is passes.
 */
const repo = join(__dirname, '..', '..', '..');

async function lint(file: string, source: string) {
  const eslint = new ESLint({ cwd: repo });
  const [result] = await eslint.lintText(source, { filePath: join(repo, file) });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('import boundaries', () => {
  it.each([
    ['services/transfer/saga.ts', "import { x } from '../screening/stages';", /never by import/],
    ['services/transfer/copier/copy-step.ts', "import { x } from '../../screening/custody';", /never by import/],
    ['services/screening/stages.ts', "import { x } from '../transfer/requests';", /never by import/],
    ['services/store/read-model/queries.ts', "import { x } from '../../transfer/requests';", /never by import/],
    ['services/store/routes/replicas.ts', "import { x } from '../../screening/custody';", /never by import/],
    ['services/transfer/saga.ts', "import { x } from '../store/read-model/queries';", /never by import/],
    ['services/screening/toolkit.ts', "import { x } from '../../hub/config';", /composition root/],
    ['events/store/sql-event-store.ts', "import { x } from '../../hub/build';", /composition root/],
    ['connectors/watch-folder/ingest.ts', "import { x } from '../../cli/common';", /composition root/],
  ])('%s may not: %s', async (file, planted, message) => {
    const messages = await lint(file, `${planted}\nexport const used = x;\n`);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(message);
  });

  it('allows what the layout allows: shared domain, formats, lib and events', async () => {
    const source = [
      "import { foldAsset } from '../../domain/asset/asset';",
      "import { parseSidecar } from '../../formats/sidecar/parse';",
      "import { uuidv7 } from '../../lib/ids';",
      "import type { EventStore } from '../../events/store/event-store';",
      'export const used = [foldAsset, parseSidecar, uuidv7] as unknown as EventStore;',
    ].join('\n');
    expect(await lint('services/transfer/saga.ts', source)).toEqual([]);
    expect(await lint('services/screening/stages.ts', source)).toEqual([]);
    expect(await lint('services/store/routes/replicas.ts', source.replaceAll("'../../", "'../../../"))).toEqual([]);
  });
});
