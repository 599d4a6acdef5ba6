# Sourced by scripts/test.sh and scripts/test-quick.sh: `step NAME CMD...`
# runs CMD with no stdin, prints its time, and adds NAME to the `failed`
# array if it fails, so that every suite runs and the caller reports all.
failed=()
step() {
  local name="$1"
  shift
  echo "::: $name" >&2
  local start=$SECONDS
  if "$@" </dev/null; then
    echo "::: $name: ok ($((SECONDS - start))s)" >&2
  else
    echo "::: $name: FAILED ($((SECONDS - start))s)" >&2
    failed+=("$name")
  fi
}
