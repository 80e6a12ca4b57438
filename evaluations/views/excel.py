"""excel views."""
