"""The citizen page (OUT/public): the public view, the one gate from the data set, and its texts in Danish and English.

May import `macros.model` and `macros.common`; never another output.
"""
