#!/usr/bin/env bash
# The script of action.yml: install reqstats, run it on INPUT_LOG with the
# INPUT_FAIL_ON budgets, append the Markdown report to the job summary,
# set the step's outputs, and post or update one pull-request comment,
# found again by a hidden marker. Every INPUT_* comes from action.yml's env.
#
# Outside GitHub Actions (a test), set GITHUB_STEP_SUMMARY, GITHUB_OUTPUT,
# and INPUT_DRY_RUN=true: the comment's API requests are printed, not sent.
set -euo pipefail

marker='<!-- reqstats-report -->'
api=${GITHUB_API_URL:-https://api.github.com}
: "${INPUT_LOG:?the log input is required}"
: "${GITHUB_STEP_SUMMARY:?is set by GitHub Actions}"
: "${GITHUB_OUTPUT:?is set by GitHub Actions}"
tmp=${RUNNER_TEMP:-$(mktemp -d)}

# install puts reqstats in $tmp/bin: built from the action's own source
# when Go is there (the exact version the workflow pinned), else the
# release binary.
install() {
  mkdir -p "$tmp/bin"
  if command -v go >/dev/null 2>&1 && [ -f "${GITHUB_ACTION_PATH:-}/go.mod" ]; then
    (cd "$GITHUB_ACTION_PATH" && CGO_ENABLED=0 go build -trimpath -o "$tmp/bin/reqstats" .)
    return
  fi
  local os arch url
  case $(uname -s) in Linux) os=linux ;; Darwin) os=darwin ;; *) os=windows ;; esac
  case $(uname -m) in x86_64 | amd64) arch=amd64 ;; aarch64 | arm64) arch=arm64 ;; *) echo "reqstats: no release for $(uname -m)" >&2; exit 1 ;; esac
  if [ "${INPUT_VERSION:-latest}" = latest ]; then
    url="https://github.com/reqstats/reqstats/releases/latest/download/reqstats_${os}_${arch}.tar.gz"
  else
    url="https://github.com/reqstats/reqstats/releases/download/${INPUT_VERSION}/reqstats_${os}_${arch}.tar.gz"
  fi
  [ "$os" = windows ] && url=${url%.tar.gz}.zip
  echo "reqstats: downloading $url"
  if [ "$os" = windows ]; then
    curl -fsSL -o "$tmp/reqstats.zip" "$url" && unzip -o -q "$tmp/reqstats.zip" -d "$tmp/bin"
  else
    curl -fsSL "$url" | tar -xz -C "$tmp/bin" reqstats
  fi
}

if [ -z "${REQSTATS:-}" ]; then
  install
  REQSTATS=$tmp/bin/reqstats
fi

args=(-o markdown --step-summary)
while IFS= read -r budget; do
  budget=${budget%$'\r'}
  [ -n "${budget//[[:space:]]/}" ] && args+=(--fail-on "$budget")
done <<< "${INPUT_FAIL_ON:-}"
if [ -n "${INPUT_ARGS:-}" ]; then
  read -r -a extra <<< "$INPUT_ARGS"
  args+=("${extra[@]}")
fi

report=$tmp/reqstats-report.md
status=0
"$REQSTATS" "${args[@]}" "$INPUT_LOG" > "$report" || status=$?
cat "$report"
{
  echo "exit-code=$status"
  echo "report=$report"
} >> "$GITHUB_OUTPUT"

# The comment: the report under the marker, on the pull request this run
# is for, if any.
comment() {
  local pr repo body existing url
  pr=$(jq -r '.pull_request.number // empty' "${GITHUB_EVENT_PATH:-/dev/null}" 2>/dev/null || true)
  repo=${GITHUB_REPOSITORY:-}
  if [ -z "$pr" ] || [ -z "$repo" ]; then
    echo "reqstats: not a pull request: no comment"
    return
  fi
  body=$(jq -Rs --arg marker "$marker" '{body: ($marker + "\n" + .)}' < "$report")
  if [ "${INPUT_DRY_RUN:-false}" = true ]; then
    echo "reqstats: dry run: would GET $api/repos/$repo/issues/$pr/comments?per_page=100, look for $marker, and then"
    echo "POST $api/repos/$repo/issues/$pr/comments"
    echo "$body"
    return
  fi
  local auth=(-H "Authorization: Bearer ${INPUT_GITHUB_TOKEN:?the github-token input is empty}" -H "Accept: application/vnd.github+json" -H "X-GitHub-Api-Version: 2022-11-28")
  existing=""
  for page in 1 2 3 4 5 6 7 8 9 10; do
    local comments
    comments=$(curl -fsSL "${auth[@]}" "$api/repos/$repo/issues/$pr/comments?per_page=100&page=$page")
    existing=$(jq -r --arg marker "$marker" '[.[] | select(.body | startswith($marker))][0].id // empty' <<< "$comments")
    if [ -n "$existing" ] || [ "$(jq length <<< "$comments")" -lt 100 ]; then
      break
    fi
  done
  if [ -n "$existing" ]; then
    url="$api/repos/$repo/issues/comments/$existing"
    curl -fsSL -X PATCH "${auth[@]}" -d "$body" "$url" > /dev/null
    echo "reqstats: updated $url"
  else
    url="$api/repos/$repo/issues/$pr/comments"
    curl -fsSL -X POST "${auth[@]}" -d "$body" "$url" > /dev/null
    echo "reqstats: commented on $repo#$pr"
  fi
}
if [ "${INPUT_COMMENT:-true}" = true ] && [ "$status" -ne 2 ]; then
  comment
fi
exit "$status"
