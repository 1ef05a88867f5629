"""`infohus new`: a new municipality's data folder from the templates beside this file.

May import `macros.model` and `macros.common`; never an output.
"""
