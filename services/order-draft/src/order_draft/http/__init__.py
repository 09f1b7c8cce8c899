"""The read side over HTTP: a draft (also as of a version or a time), the orders list, the New Order
screen. See `routes.read_routes` and docs/read-side.md.

The caller's user and customer come from the `X-User-Id` and `X-Customer-Id` headers, which the portal's
gateway sets after it authenticated the user: this API must only be reachable through such a gateway.
Every query then checks the caller's external-access row in the catalog copy (the role is never taken
from the request).
"""
