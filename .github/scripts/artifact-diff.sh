#!/usr/bin/env bash
# Writes, as Markdown, what a change does to the rendered artifacts: one line per environment and the diff of its files.
#   .github/scripts/artifact-diff.sh <base-artifacts> <head-artifacts> <base-label> <head-label> > diff.md
# The first line is the marker the pull-request workflow finds its comment by. manifest.json is left out of the diff
# (it only repeats the other files' sha256). Diffs are cut so the whole text stays under GitHub's comment limit.
# When an environment's topology diagram changed, both diagrams come first (topology-diff.sh), then the diffs.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

base=${1:?usage: artifact-diff.sh <base-artifacts> <head-artifacts> <base-label> <head-label>}
head=${2:?}
base_label=${3:?}
head_label=${4:?}
marker='<!-- swarm-pg-gitops:artifact-diff -->'
budget=${ARTIFACT_DIFF_BUDGET:-60000}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/base" "$work/head"
cp -R "$base/." "$work/base/" 2>/dev/null || true
cp -R "$head/." "$work/head/"
find "$work" -name manifest.json -delete

mapfile -t environments < <(find "$work/base" "$work/head" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort -u)
for environment in "${environments[@]}"; do mkdir -p "$work/base/$environment" "$work/head/$environment"; done

echo "$marker"
echo "### Rendered artifacts: \`$base_label\` → \`$head_label\`"
echo
if [[ -f "$base.status" ]] && ! grep -q '^rendered ' "$base.status"; then
  echo "> The base did not render ($(cat "$base.status")): every file shows as new."
  echo
fi

changed=()
echo "| Environment | Change |"
echo "|---|---|"
for environment in "${environments[@]}"; do
  cd "$work"
  files=$(git diff --no-index --name-status "base/$environment" "head/$environment" | awk '{ sub(".*/", "", $NF); how = $1 == "A" ? "added" : $1 == "D" ? "removed" : "changed"; printf "%s`%s` %s", sep, $NF, how; sep = ", " }' || true)
  if [[ -z $files ]]; then
    echo "| $environment | no change |"
  else
    echo "| $environment | $files |"
    changed+=("$environment")
  fi
done
echo

if ((${#changed[@]} == 0)); then
  echo "No rendered file changes: deploying this would change nothing on any swarm."
  exit 0
fi

for environment in "${changed[@]}"; do
  diagrams=$("$here/topology-diff.sh" "$environment" "$work/base/$environment" "$work/head/$environment" "$base_label" "$head_label")
  if [[ -n $diagrams ]]; then
    printf '%s\n\n' "$diagrams"
    budget=$((budget > ${#diagrams} ? budget - ${#diagrams} : 0))
  fi
done

for environment in "${changed[@]}"; do
  cd "$work"
  diff=$(git diff --no-index --no-color "base/$environment" "head/$environment" || true)
  if ((${#diff} > budget)); then
    diff="${diff:0:budget}"$'\n'"... (cut here: render both commits locally to see the rest)"
  fi
  budget=$((budget > ${#diff} ? budget - ${#diff} : 0))
  echo "<details><summary><b>$environment</b></summary>"
  echo
  echo '```diff'
  echo "$diff"
  echo '```'
  echo
  echo "</details>"
  echo
done
