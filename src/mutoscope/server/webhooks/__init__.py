"""Webhooks: users' endpoints, signed event deliveries with retries, and the `/v1/webhook_endpoints` routes.

`signing` (Standard Webhooks signatures), `models` (tables), `service` (endpoints, `record_event`, the
`WebhookDispatcher`), `schemas` and `router` (the HTTP surface). Events are recorded in the transaction that
makes them true and delivered at least once by the dispatcher.
"""
