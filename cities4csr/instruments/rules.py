import rules

from cities4csr.organisations.rules import is_city_officer

# asked on the pledge: confirm the advisor's instrument, record the notice, tick steps, returns
rules.add_perm("instruments.confirm_instrument", is_city_officer)
