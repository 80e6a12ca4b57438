"""report views."""
