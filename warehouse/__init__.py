"""The warehouse: Parquet files per table per load under ``lake/``, DuckDB views on top."""
