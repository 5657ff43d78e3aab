"""Kernel tables present in every service's database: messages, outbox, inbox."""
