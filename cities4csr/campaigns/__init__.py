"""Match-funding campaigns for a need or a project (issue 15, item 5). For now only the pure rules
engine, ``engine.py`` (ADR 0026); the models, services and pages come with the Django app."""
