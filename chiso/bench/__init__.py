"""The analytics benchmark (``chiso bench``): labelled synthetic data, timed queries, reference engines.

* ``environment`` points the settings at the benchmark's own database before Django starts
  (a fresh SQLite file in a temporary folder, or a PostgreSQL database named ``chiso_bench``);
* ``generate`` builds the synthetic data of a size (S, M, L) straight into the database;
* ``reference`` computes the same answers with DuckDB and pandas from the same raw values;
* ``measure`` times the engine and the references and makes the table.
"""
