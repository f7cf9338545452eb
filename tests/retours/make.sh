#!/usr/bin/env bash
# Rebuilds the LibreOffice-written inputs of tests/retours.rs: a formatted request sheet
# with three faulty cells, written by observatoire's example, then saved by LibreOffice
# (Debian's libreoffice-calc) as xlsx and as ods.
# Needs: soffice (apt-get install libreoffice-calc). Run from the repository root.
set -euo pipefail
here=tests/retours
profile=$(mktemp -d)
work=$(mktemp -d)
trap 'rm -rf "$profile" "$work"' EXIT
cargo run --quiet --example retours_source -- "$work/source.xlsx"
lo() { soffice -env:UserInstallation=file://"$profile" --headless "$@" >/dev/null; }
lo --convert-to ods --outdir "$work/ods" "$work/source.xlsx"
lo --convert-to xlsx --outdir "$work/xlsx" "$work/ods/source.ods"
mkdir -p "$here/libreoffice"
cp "$work/ods/source.ods" "$here/libreoffice/demandes-libreoffice.ods"
cp "$work/xlsx/source.xlsx" "$here/libreoffice/demandes-libreoffice.xlsx"
ls -l "$here/libreoffice"
