"""Fill msgstr entries of a .po file from JSON dictionaries {msgid: msgstr}; reports what is still untranslated.

Usage: python tools/po_fill.py qingfeng/locale/en/LC_MESSAGES/django.po tools/en   (every *.json in the folder)

The JSON files are the source of truth: an entry whose msgid is in them gets that translation (also when the .po
already had another one), and its fuzzy flag is removed. Keys are the msgids as written in the source (real quotes
and newlines, not .po escapes). A value is a string, or for entries with msgid_plural also a list of two strings
[singular, plural]; a plain string is used for both plural forms. An entry with a context (pgettext) is keyed as
gettext keys it: "<context>\u0004<msgid>". When several files give the same msgid, the later
file (by name) wins, except that a list is never replaced by a plain string. Running it twice changes nothing.
Entries that stay empty or fuzzy are printed as "untranslated: <msgid>". The header's POT-Creation-Date (which
makemessages rewrites on every run) is dropped, so a run with no new strings leaves the file unchanged."""

import json
import pathlib
import re
import sys

KEYWORD = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$')
ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def unescape(s: str) -> str:
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), "\\" + m.group(1)), s)


def escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\r", "\\r").replace("\n", "\\n")


def po_lines(keyword: str, value: str) -> list[str]:
    """The lines gettext writes with --no-wrap: one line, or a leading "" and one line per embedded newline."""
    if "\n" not in value[:-1]:
        return [f'{keyword} "{escape(value)}"']
    chunks = [c for c in re.split(r"(?<=\n)", value) if c]
    return [f'{keyword} ""'] + [f'"{escape(c)}"' for c in chunks]


def parse(block: str) -> tuple[list[str], dict[str, str], list[str]] | None:
    """(comment lines, {keyword: value}, keyword order) of one entry, or None for anything else."""
    comments, fields, order, current = [], {}, [], None
    for line in block.split("\n"):
        if line.startswith("#"):
            if current is not None:  # comments after the strings: not an entry layout we know
                return None
            comments.append(line)
        elif m := KEYWORD.match(line):
            current = m.group(1)
            fields[current] = unescape(m.group(2))
            order.append(current)
        elif line.startswith('"') and line.endswith('"') and current is not None:
            fields[current] += unescape(line[1:-1])
        elif line.strip():
            return None
    return (comments, fields, order) if "msgid" in fields else None


def load(dict_path: str) -> dict:
    table: dict = {}
    for path in sorted(pathlib.Path(dict_path).glob("*.json")):
        for key, value in json.loads(path.read_text(encoding="utf-8")).items():
            if isinstance(value, list) and (len(value) != 2 or not all(isinstance(v, str) for v in value)):
                raise SystemExit(f"{path}: {key!r}: a list value must be [singular, plural]")
            if isinstance(table.get(key), list) and not isinstance(value, list):
                continue
            table[key] = value
    return table


def fill(block: str, table: dict) -> tuple[str, str | None]:
    """The block, filled if the table has it, and the msgid if it is still untranslated."""
    entry = parse(block)
    if entry is None:
        return block, None
    comments, fields, order = entry
    msgid = fields["msgid"]
    if not msgid:  # the header
        return block, None
    fuzzy = any(c.startswith("#,") and "fuzzy" in c for c in comments)
    if "msgctxt" in fields:
        msgid = f"{fields['msgctxt']}\x04{msgid}"
    if msgid not in table:
        strs = [v for k, v in fields.items() if k.startswith("msgstr")]
        return block, msgid if fuzzy or not strs or not all(strs) else None
    value = table[msgid]
    plural = "msgid_plural" in fields
    if plural:
        forms = value if isinstance(value, list) else [value, value]
        strs = {k: forms[min(int(k[7:-1]), 1)] for k in order if k.startswith("msgstr[")} or {
            "msgstr[0]": forms[0], "msgstr[1]": forms[1]}
    else:
        strs = {"msgstr": value[-1] if isinstance(value, list) else value}
    kept = []
    for c in comments:
        if c.startswith("#|"):  # previous msgid of a fuzzy match
            continue
        if c.startswith("#,"):
            flags = [f.strip() for f in c[2:].split(",") if f.strip() and f.strip() != "fuzzy"]
            if not flags:
                continue
            c = "#, " + ", ".join(flags)
        kept.append(c)
    lines = list(kept)
    for key in order:
        if not key.startswith("msgstr"):
            lines += po_lines(key, fields[key])
    for key, text in strs.items():
        lines += po_lines(key, text)
    return "\n".join(lines), None


def main(po_path: str, dict_path: str) -> int:
    table = load(dict_path)
    text = pathlib.Path(po_path).read_text(encoding="utf-8")
    text = re.sub(r'^"POT-Creation-Date: [^"]*"\n', "", text, count=1, flags=re.M)
    trailing = text.endswith("\n")
    blocks = text.rstrip("\n").split("\n\n")
    missing = []
    for i, block in enumerate(blocks):
        blocks[i], untranslated = fill(block, table)
        if untranslated is not None:
            missing.append(untranslated)
    pathlib.Path(po_path).write_text("\n\n".join(blocks) + ("\n" if trailing else ""), encoding="utf-8")
    for msgid in missing:
        print("untranslated:", msgid.replace("\n", "\\n"))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
