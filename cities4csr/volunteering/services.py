"""Writes of volunteering (ADR 0033): activities and their slots, sign-up and the waiting list,
teams, attendance and hours. Each service checks who may act, runs in a transaction, audits, and
sends messages or queues reminders after commit."""
