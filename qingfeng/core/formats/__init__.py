"""Date formats (settings.FORMAT_MODULE_PATH): one way of writing a day per language, the way the ledgers, imports and
exports write it (2021-05-11), instead of Django's "2021年5月11日" and "May 11, 2021" beside it on the same page. Names
not set here fall back on Django's own formats for the language."""
