"""Faust agents, one module each; thin: they move records and call pure functions."""
