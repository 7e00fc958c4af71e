"""Who may read a company's sustainability statement and record its programme's management costs
(ADR 0036): the company's representatives for their own company; the city's officers may open
any company's statement (they check what the city publishes), but only the company records what
running its own programme costs."""

import rules

from cities4csr.organisations.rules import is_city_officer, is_org_representative

rules.add_perm("reporting.view_statement", is_city_officer | is_org_representative)
rules.add_perm("reporting.record_management_cost", is_org_representative)
