"""Top layer: pages and commands that span the domain apps (docs/development.md, Layers)."""
