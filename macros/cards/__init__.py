"""The action cards: what a card says, fitting it on A6, rendering PDFs with pdfkit, and the handbook's card page.

May import `macros.model` and `macros.common`; never another output.
"""
