"""Fill msgstr entries of a .po file from JSON dictionaries {msgid: msgstr}; reports what is still empty.

Usage: python tools/po_fill.py qingfeng/locale/en/LC_MESSAGES/django.po tools/en   (every *.json in the folder)
Only single-line msgids are filled; fuzzy flags on filled entries are removed."""

import json
import re
import sys


def main(po_path: str, dict_path: str) -> int:
    import pathlib

    table = {}
    for path in sorted(pathlib.Path(dict_path).glob("*.json")):
        table.update(json.loads(path.read_text(encoding="utf-8")))
    text = open(po_path, encoding="utf-8").read()
    blocks = text.split("\n\n")
    missing = []
    for i, block in enumerate(blocks):
        m = re.search(r'^msgid "(.*)"\nmsgstr ""$', block, re.M)
        if not m or not m.group(1):
            continue
        msgid = m.group(1)
        if msgid in table:
            value = table[msgid].replace("\\", "\\\\").replace('"', '\\"')
            block = block.replace(f'msgid "{msgid}"\nmsgstr ""', f'msgid "{msgid}"\nmsgstr "{value}"')
            block = re.sub(r"^#, fuzzy\n", "", block, flags=re.M).replace(", fuzzy", "")
            blocks[i] = block
        else:
            missing.append(msgid)
    open(po_path, "w", encoding="utf-8").write("\n\n".join(blocks))
    for msgid in missing:
        print("untranslated:", msgid)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
