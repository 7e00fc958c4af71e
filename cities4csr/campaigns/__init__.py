"""Match-funding campaigns for a need or a project (issue 15, item 5): the pure rules engine
(``engine.py``, ADR 0026) and the app around it: models, the ledger adapter, pages, API (ADR 0031)."""
