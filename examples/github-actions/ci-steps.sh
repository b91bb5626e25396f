#!/usr/bin/env bash
# The steps of qualplan's GitHub Actions workflow (qualplan.yml next to this file), as one script, so
# that the workflow and a local run (and qualplan's own test suite) run exactly the same commands.
#
#   ci-steps.sh validate          validate every plan; errors and warnings as GitHub annotations
#   ci-steps.sh check             schedule every plan; each missed due date as an annotation at its due:
#   ci-steps.sh diff BASE [OUT]   a Markdown comment on what the change since BASE (a git ref, e.g.
#                                 origin/main) does to each changed plan, written to OUT (default stdout)
#
# Settings, from the environment:
#   QUALPLAN_PLANS           the folder of plan files (default: plans)
#   QUALPLAN_TIME_LIMIT      solver seconds per plan (default: 10)
#   QUALPLAN_FAIL_ON_MISSED  1: `check` fails the job when a due date is missed (default 0: it annotates)
#   QUALPLAN_FAIL_ON_SLIP    DAYS: `diff` fails the job when a due-dated milestone moves later by more than
#                            DAYS (default: unset, never); the comment is written either way
#
# Exit codes: 0 done; 1 a missed date (with QUALPLAN_FAIL_ON_MISSED=1) or a slip (QUALPLAN_FAIL_ON_SLIP);
# 2 an invalid plan or a bad argument; 3 undecided only with QUALPLAN_FAIL_ON_MISSED=1; 4 a bug.
set -euo pipefail

plans="${QUALPLAN_PLANS:-plans}"
limit="${QUALPLAN_TIME_LIMIT:-10}"

usage() {
    echo "usage: ci-steps.sh validate | check | diff BASE [OUT]" >&2
    exit 2
}

step_validate() {
    qualplan validate --format github "$plans"
}

step_check() {
    local status=0
    qualplan check --format github --time-limit "$limit" "$plans" || status=$?
    # 1 (missed) and 3 (undecided) are answers about the plans, annotated above; invalid plans (2)
    # and bugs (4) always fail.
    if [[ $status == 1 || $status == 3 ]] && [[ "${QUALPLAN_FAIL_ON_MISSED:-0}" != 1 ]]; then
        status=0
    fi
    return "$status"
}

step_diff() {
    local base="$1" out="${2:-/dev/stdout}" status=0 file code
    local -a options=(--format markdown --time-limit "$limit")
    if [[ -n "${QUALPLAN_FAIL_ON_SLIP:-}" ]]; then
        options+=(--fail-on-slip "$QUALPLAN_FAIL_ON_SLIP")
    fi
    : >"$out"
    # Plans added, changed or renamed between the merge base and HEAD, in path order.
    while IFS= read -r file; do
        [[ "$file" == *.yaml || "$file" == *.yml ]] || continue
        [[ -f "$file" ]] || continue
        if git cat-file -e "$base:$file" 2>/dev/null; then
            code=0
            qualplan diff "${options[@]}" "$base:$file" "$file" >>"$out" || code=$?
            if [[ $code -ne 0 && $status -eq 0 ]] || [[ $code -eq 2 || $code -eq 4 ]]; then
                status=$code
            fi
        else
            printf '### qualplan diff: `%s`\n\nA new plan: nothing to compare with in `%s`.\n' "$file" "$base" >>"$out"
        fi
        printf '\n' >>"$out"
    done < <(git diff --name-only --diff-filter=AMR "$base...HEAD" -- "$plans")
    return "$status"
}

case "${1:-}" in
    validate) [[ $# -eq 1 ]] || usage; step_validate ;;
    check) [[ $# -eq 1 ]] || usage; step_check ;;
    diff) [[ $# -ge 2 && $# -le 3 ]] || usage; step_diff "$2" "${3:-}" ;;
    *) usage ;;
esac
