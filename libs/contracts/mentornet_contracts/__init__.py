"""Contracts between the Mentor Network services.

One place for everything that crosses a service boundary: the events each
service publishes (with their payload schemas and their subscribers), the RPC
methods the gateway may call, and the remote error types the gateway maps to
HTTP. Both sides of every contract import from here and test against it.
"""
