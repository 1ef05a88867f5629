"""The model: a municipality's YAML loaded with line numbers, validated (schema and rules) into typed records.

One module per data kind, the shared machinery (loader, schema, problems, record) and the `DataSet`.
May import `macros.common` only; never an output, `build` or `cli`.
"""
