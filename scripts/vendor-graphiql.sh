#!/usr/bin/env bash
# Fetch GraphiQL and React from the npm registry into api/ide/assets, with their licences.
# Run again only to change versions (then update api/ide/page.py's ASSETS and SOURCES.md).
# `npm pack` checks each tarball against the registry's integrity hash.
set -euo pipefail
cd "$(dirname "$0")/.."

GRAPHIQL=3.8.3
REACT=18.2.0
OUT=api/ide/assets
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

fetch() {  # package@version -> extracted into $WORK/<name>
    local spec=$1 name=$2
    (cd "$WORK" && npm pack --silent "$spec" >/dev/null)
    mkdir -p "$WORK/$name"
    tar xzf "$WORK"/"$(echo "${spec%@*}" | tr -d @ | tr / -)"-"${spec##*@}".tgz -C "$WORK/$name"
}

fetch "graphiql@$GRAPHIQL" graphiql
fetch "react@$REACT" react
fetch "react-dom@$REACT" react-dom

mkdir -p "$OUT"
rm -f "$OUT"/*.js "$OUT"/*.css "$OUT"/LICENSE-*
cp "$WORK/graphiql/package/graphiql.min.js" "$OUT/graphiql-$GRAPHIQL.min.js"
cp "$WORK/graphiql/package/graphiql.min.css" "$OUT/graphiql-$GRAPHIQL.min.css"
cp "$WORK/graphiql/package/LICENSE" "$OUT/LICENSE-graphiql"
cp "$WORK/react/package/umd/react.production.min.js" "$OUT/react-$REACT.production.min.js"
cp "$WORK/react/package/LICENSE" "$OUT/LICENSE-react"
cp "$WORK/react-dom/package/umd/react-dom.production.min.js" "$OUT/react-dom-$REACT.production.min.js"
cp "$WORK/react-dom/package/LICENSE" "$OUT/LICENSE-react-dom"
ls -l "$OUT"
