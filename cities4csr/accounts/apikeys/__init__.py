"""API keys for machine clients (issue 13; docs/adr/0014-api-keys.md).

A key belongs to one person in one city and acts there with that person's roles, exactly as the
person would on the pages: the API's permission checks (``rules``) see the owner. It has a name,
an expiry date and can be revoked; only a hash is stored (SHA-512 of a 256-bit random key, made
and checked by djangorestframework-api-key's key generator), and the key itself is shown once, when
it is created. Clients send ``Authorization: Api-Key <prefix>.<secret>``.
"""
