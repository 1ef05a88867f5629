"""The staff handbook (the intranet site, built by MkDocs): settings, page macros, glossary, vCards.

May import `macros.model` and `macros.common`; never another output.
"""
