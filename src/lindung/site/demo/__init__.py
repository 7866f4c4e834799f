"""Synthetic demo data for Lombok Timur (`lindung demo`): people, memberships, demo logins.

Everything here is invented: names, NIKs and numbers only look real. Other apps add their
own demo data through `lindung.core.demo.registry` (the mechanism stays in core so that
domain apps can register without importing this layer).
"""
