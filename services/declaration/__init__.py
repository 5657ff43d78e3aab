"""The declaration service."""
