"""Operator tools, apart from the runtime: broker, bench, evaluate, demo, tail, offline extract, schemas."""
