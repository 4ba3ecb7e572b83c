import { definePorticoVitestConfig } from '../../tooling/vitest/base';

export default definePorticoVitestConfig(import.meta.url);
