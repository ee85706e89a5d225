"""The tracing tables of Phoenix and MLflow databases, as the real packages create them.

The DDL in ``data/*.sql`` was dumped from ``sqlite_master`` of databases written by
arize-phoenix 20.26.1 (alembic revision ``4aad9107d196``) and mlflow-skinny 3.17.2 (see
``make_phoenix_db.py`` / ``make_mlflow_db.py``). Fast tests build small databases on these
schemas for cases the real packages will not produce on demand (old schemas, corruption,
artifact files, locks).
"""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).parent / "data"
PHOENIX_REVISION = "4aad9107d196"
PHOENIX_DDL = (DATA / "phoenix_tables.sql").read_text(encoding="utf-8")
MLFLOW_DDL = (DATA / "mlflow_tables.sql").read_text(encoding="utf-8")
