"""Serving: the feed view following the feed topic, HTTP routes, rendering (JSON Feed, Atom, page)."""
