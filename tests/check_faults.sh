#!/usr/bin/env bash
# The invariant checker must be able to fail: each self-test fault breaks one rule,
# and the checker has to report it with a short shrunk sequence that replays.
set -uo pipefail
bin="$1"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for fault in merge_as_replace seat_cap_off_by_one stale_token_live system_permission_in_token billing_gate_off reset_keeps_state; do
  out="$work/$fault.json"
  report=$("$bin" check --runs 300 --seed 3 --inject-fault "$fault" --out "$out" 2>&1)
  code=$?
  steps=$(printf '%s\n' "$report" | sed -n 's/^shrunk to \([0-9]*\) operations.*/\1/p')
  if [ "$code" -ne 1 ] || [ -z "$steps" ] || [ "$steps" -gt 5 ] || [ ! -s "$out" ]; then
    echo "FAIL $fault: the checker did not report a short counterexample (exit $code)"; printf '%s\n' "$report"
    status=1; continue
  fi
  if "$bin" run "$out" --inject-fault "$fault" >/dev/null; then
    echo "FAIL $fault: the counterexample does not replay to the failure"; status=1; continue
  fi
  if ! "$bin" run "$out" >/dev/null; then
    echo "FAIL $fault: the counterexample fails even without the fault"; status=1; continue
  fi
  echo "ok   $fault: caught, shrunk to $steps operations, replays"
done
exit $status
