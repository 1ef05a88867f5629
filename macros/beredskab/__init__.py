"""The beredskab itself as a document: the public edition (OUT/public/beredskab/ and beredskab.pdf) and the
internal edition with named contacts (OUT/intranet/beredskab-intern.pdf), both from one gate (`view`).

May import `macros.model` and `macros.common`; never another output.
"""
