"""editor views."""
