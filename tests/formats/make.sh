#!/usr/bin/env bash
# Rebuilds the cross-format fixtures: the same requests written by observatoire as xlsx,
# then converted by LibreOffice (Debian's libreoffice-calc) to ods, xls, xlsx and csv in
# UTF-8 and Windows-1252, so that tests/formats.rs reads files written by other software.
# Needs: soffice (apt-get install libreoffice-calc-nogui). Run from the repository root.
set -euo pipefail
here=tests/formats
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
cargo run --quiet --example format_source -- "$here/source.xlsx"
lo() { soffice -env:UserInstallation=file://"$profile" --headless "$@" >/dev/null; }
work=$(mktemp -d)
lo --convert-to ods --outdir "$work" "$here/source.xlsx"
lo --convert-to xls --outdir "$work" "$here/source.xlsx"
cp "$work/source.ods" "$here/libreoffice.ods"
cp "$work/source.xls" "$here/libreoffice.xls"
lo --convert-to xlsx --outdir "$work/xlsx" "$here/libreoffice.ods"
cp "$work/xlsx/libreoffice.xlsx" "$here/libreoffice.xlsx"
# 59 = ';', 34 = '"', then the character set: 76 = UTF-8, 1 = Windows-1252.
lo --convert-to 'csv:Text - txt - csv (StarCalc):59,34,76' --outdir "$work/utf8" "$here/source.xlsx"
lo --convert-to 'csv:Text - txt - csv (StarCalc):59,34,1' --outdir "$work/cp1252" "$here/source.xlsx"
# « Texte Unicode » as Excel writes it: tab (9), '"' (34), character set 65535 = UTF-16 LE
# with a byte-order mark. LibreOffice has no big-endian export: iconv re-encodes the text.
lo --convert-to 'txt:Text - txt - csv (StarCalc):9,34,65535' --outdir "$work/utf16" "$here/source.xlsx"
cp "$work/utf16/source.txt" "$here/libreoffice-texte-unicode.txt"
{ printf '\xFE\xFF'; tail -c +3 "$here/libreoffice-texte-unicode.txt" | iconv -f UTF-16LE -t UTF-16BE; } \
  > "$here/texte-unicode-big-endian.txt"
cp "$work/utf8/source.csv" "$here/libreoffice-utf8.csv"
cp "$work/cp1252/source.csv" "$here/libreoffice-windows-1252.csv"
rm -rf "$work"
ls -l "$here"
