"""Return insights: the facts the service's changes leave behind for analytics, and the SQL over them.

Pure (no I/O): `facts.py` turns a return (with its order) or an order into fact rows of the one
versioned fact schema; `queries.py` holds the SQL text that both engines run (Athena in production,
DuckDB locally and in the tests) and the export columns. The adapters move the rows
(Firehose, local Parquet files) and run the SQL; the service layer (`service/insights.py`) decides
what is asked and answered.
"""
