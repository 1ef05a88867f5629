"""infohus: the kit a Danish municipality uses to keep its beredskab, as data, and to build it.

The package is `macros` for historical reasons (it began as the mkdocs-macros module of the handbook); the
handbook's pages are now rendered by infohus itself (handbook/prerender.py), and MkDocs builds plain Markdown.
"""
