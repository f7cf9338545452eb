#!/usr/bin/env bash
# Rebuilds tests/modeles/modele-demandes-resave-libreoffice.xlsx: the demandes template
# written by `observatoire modeles`, opened and saved again by LibreOffice, so that
# tests/templates.rs checks that a template resaved by office software still reads (CI has
# no LibreOffice). Needs: soffice (apt-get install libreoffice-calc-nogui). Run from the
# repository root.
set -euo pipefail
here=tests/modeles
profile=$(mktemp -d)
work=$(mktemp -d)
trap 'rm -rf "$profile" "$work"' EXIT
cargo run --quiet -- modeles --sortie "$work/modeles" --commune 44015 --annee 2024
soffice -env:UserInstallation=file://"$profile" --headless --convert-to xlsx \
  --outdir "$work/resave" "$work/modeles/modele-demandes-blain-2024.xlsx" >/dev/null
cp "$work/resave/modele-demandes-blain-2024.xlsx" "$here/modele-demandes-resave-libreoffice.xlsx"
ls -l "$here"
