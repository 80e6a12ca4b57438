"""portal views."""
