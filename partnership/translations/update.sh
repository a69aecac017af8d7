#!/usr/bin/env bash
# Re-extract every translatable string and merge it into the Thai and English catalogues, then
# compile them. Thai (th) is the default language; msgids are English, so en needs no msgstr.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=partnership/translations
pybabel extract -F $dir/babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 --no-location --sort-output \
  --project partnership -o $dir/messages.pot . 2>/dev/null
for lang in th en; do
  if [ -f $dir/$lang/LC_MESSAGES/messages.po ]; then
    pybabel update --no-fuzzy-matching --ignore-obsolete -i $dir/messages.pot -d $dir -l $lang
  else
    pybabel init -i $dir/messages.pot -d $dir -l $lang
  fi
done
pybabel compile -d $dir
