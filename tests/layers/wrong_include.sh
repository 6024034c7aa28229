#!/usr/bin/env bash
# Copies the sources to a temporary tree, adds one wrong include, and expects scripts/check-layers to refuse it.
set -euo pipefail
src="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/scripts"
cp -r "$src/domain" "$src/storage" "$src/calendars" "$src/server" "$tmp/"
cp "$src/scripts/check-layers" "$tmp/scripts/"
"$tmp/scripts/check-layers" "$tmp"  # the copy as it is passes
printf '#pragma once\n#include "server/http/router.hpp"\n' >"$tmp/domain/wrong.hpp"
if out=$("$tmp/scripts/check-layers" "$tmp" 2>&1); then
    echo "check-layers accepted domain/wrong.hpp including server/http/router.hpp" >&2
    exit 1
fi
grep -q 'domain/wrong.hpp includes "server/http/router.hpp": domain may not use server/http' <<<"$out"
printf '#pragma once\n#include <boost/beast/http.hpp>\n' >"$tmp/domain/wrong.hpp"
! "$tmp/scripts/check-layers" "$tmp" 2>/dev/null
