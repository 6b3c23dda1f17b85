#!/usr/bin/env bash
# Renders every environment as another commit has it, with that commit's own templates and pipeline code, into a folder:
#   .github/scripts/render-commit.sh <commit> <out-dir>
# The commit is checked out in a temporary git worktree. When it is not in the clone (a new branch, a force push) or
# does not render, <out-dir> is left empty and the script says so on stderr and in a file <out-dir>.status; it exits 0
# either way, so callers treat "nothing before" as "everything changed".
set -euo pipefail

commit=${1:?usage: render-commit.sh <commit> <out-dir>}
out=${2:?usage: render-commit.sh <commit> <out-dir>}
root=$(git rev-parse --show-toplevel)
mkdir -p "$out"

if [[ $commit =~ ^0+$ ]] || ! git -C "$root" cat-file -e "${commit}^{commit}" 2>/dev/null; then
  echo "commit $commit is not in this clone" | tee "$out.status" >&2
  exit 0
fi

tree=$(mktemp -d "${RUNNER_TEMP:-/tmp}/render-XXXXXX")
trap 'git -C "$root" worktree remove --force "$tree" >/dev/null 2>&1 || rm -rf "$tree"' EXIT
git -C "$root" worktree add --detach --force "$tree" "$commit" >/dev/null

if (cd "$tree" && ./build.sh --target=Render --env=all); then
  cp -R "$tree/artifacts/." "$out/"
  echo "rendered $commit" > "$out.status"
else
  echo "commit $commit does not render (see the log above)" | tee "$out.status" >&2
fi
