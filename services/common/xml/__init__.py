"""Safe XML intake and compiled schemas."""
