"""Benchmarks run by `make bench`: numbers to put in a note, not tests."""
