import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The specs share one stack and build on what earlier ones published (console.spec.ts expects
 * its first publish to be v1), so they run in one fixed order: by file name.
 */
export class AlphabeticalSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return [...files].sort((a, b) => a.moduleId.localeCompare(b.moduleId));
  }
}
