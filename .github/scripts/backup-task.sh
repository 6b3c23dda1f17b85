#!/usr/bin/env bash
# backup-task.sh — what the backup workflow's job for ENVIRONMENT runs, written to GITHUB_OUTPUT as target (Backup or
# RestoreDrill, empty: nothing for this environment) and type (full, diff or incr). Scheduled: the Monday 05:17 run
# drills a restore, the daily 02:17 run backs up (full on Sundays, differential otherwise). Manual: the chosen task, for
# the chosen environment only.
set -euo pipefail

target='' type=''
if [[ $EVENT == schedule ]]; then
  if [[ $SCHEDULE == "17 5 * * 1" ]]; then
    target=RestoreDrill
  else
    target=Backup
    type=$([[ $(date -u +%u) == 7 ]] && echo full || echo diff)
  fi
elif [[ $CHOSEN_ENVIRONMENT == "$ENVIRONMENT" ]]; then
  case $CHOSEN_TASK in
    "Backup full" | "Backup diff" | "Backup incr") target=Backup type=${CHOSEN_TASK#Backup } ;;
    RestoreDrill) target=RestoreDrill ;;
    *) echo "::error::unknown task '$CHOSEN_TASK'" && exit 1 ;;
  esac
fi
{
  echo "target=$target"
  echo "type=$type"
} >>"$GITHUB_OUTPUT"
echo "${ENVIRONMENT}: ${target:-nothing}${type:+ $type}"
