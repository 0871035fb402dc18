// The one place the version is written (test/unit/model/version.test.ts holds it to package.json's).
export const VERSION = "0.1.0";
