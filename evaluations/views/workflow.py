"""workflow views."""
