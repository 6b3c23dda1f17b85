#!/usr/bin/env bash
# Writes, as Markdown, an environment's topology diagram before and after a change, when the diagram differs (a member
# added, a placement or port changed, another preferred leader); nothing when it does not. Called by artifact-diff.sh.
#   .github/scripts/topology-diff.sh <environment> <base-env-dir> <head-env-dir> <base-label> <head-label>
# Each dir holds the environment's rendered topology.md (or none: the environment is new, or removed).
set -euo pipefail

environment=${1:?usage: topology-diff.sh <environment> <base-env-dir> <head-env-dir> <base-label> <head-label>}
base=${2:?}
head=${3:?}
base_label=${4:?}
head_label=${5:?}

# The ```mermaid block of a topology.md, fences included; nothing when the file is missing.
diagram() {
  [[ -f $1/topology.md ]] || return 0
  awk '/^```mermaid$/ { inside = 1 } inside { print } inside && /^```$/ { exit }' "$1/topology.md"
}

before=$(diagram "$base")
after=$(diagram "$head")
if [[ $before == "$after" ]]; then
  exit 0
fi

echo "#### Topology of $environment"
echo
if [[ -z $before ]]; then
  echo "Before (\`$base_label\`): no topology."
else
  echo "Before (\`$base_label\`):"
  echo
  echo "$before"
fi
echo
if [[ -z $after ]]; then
  echo "After (\`$head_label\`): no topology."
else
  echo "After (\`$head_label\`):"
  echo
  echo "$after"
fi
echo
