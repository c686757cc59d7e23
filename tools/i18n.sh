#!/bin/sh
# Regenerate the Chinese catalogs (繁體中文 zh_Hant, 简体中文 zh_Hans) and compile them.
# Usage: tools/i18n.sh            extract + compile
#        tools/i18n.sh compile    compile only (after editing the .po files)
# Needs GNU gettext (msgfmt, xgettext). The compiled .mo files are committed, so a machine
# without gettext still serves Chinese.
set -eu
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
LOCALES="-l zh_Hant -l zh_Hans"
IGNORE="--ignore=.venv --ignore=staticfiles --ignore=artifacts --ignore=tests --ignore=bench --ignore=tools"

if [ "${1:-}" != "compile" ]; then
    # shellcheck disable=SC2086
    "$PY" manage.py makemessages $LOCALES $IGNORE --no-obsolete --add-location=file
    # static/league/*.js carries no gettext() calls today; when it does, add:
    #   "$PY" manage.py makemessages -d djangojs $LOCALES $IGNORE --no-obsolete
fi
# shellcheck disable=SC2086
"$PY" manage.py compilemessages $LOCALES --ignore=.venv
for po in league/locale/*/LC_MESSAGES/*.po; do
    printf '%s: ' "$po"
    msgfmt --statistics -o /dev/null "$po" 2>&1
done
