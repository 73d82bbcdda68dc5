"""Customer emails: pure functions from domain objects to `Email` values (no I/O)."""
