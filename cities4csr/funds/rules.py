"""Who may do what with funds: the city's officers run them; anyone may give to an open fund;
a donor sees their own contributions."""

import rules

from cities4csr.organisations.rules import is_city_officer, is_org_representative


@rules.predicate
def is_donor(user, contribution):
    if not user.is_authenticated:
        return False
    if contribution.user_id == user.pk:
        return True
    return bool(contribution.organisation_id) and is_org_representative(user, contribution.organisation)


# asked on the city
rules.add_perm("funds.add_fund", is_city_officer)
rules.add_perm("funds.add_award", is_city_officer)
rules.add_perm("funds.record_contribution", is_city_officer)
rules.add_perm("funds.view_contributions", is_city_officer)
# asked on the fund
rules.add_perm("funds.change_fund", is_city_officer)
# asked on the contribution
rules.add_perm("funds.view_contribution", is_city_officer | is_donor)
rules.add_perm("funds.refund_contribution", is_city_officer)
# asked on the award
rules.add_perm("funds.add_disbursement", is_city_officer)

# bank statements and reconciliation: asked on the city or the fund
rules.add_perm("funds.reconcile", is_city_officer)
# asked on the city: import the pagoPA reporting flows its intermediary sends (ADR 0028)
rules.add_perm("funds.import_pagopa_report", is_city_officer)
# receipts and statements (ADR 0032): a statement of an organisation's gifts, asked on it
rules.add_perm("funds.view_statement", is_city_officer | is_org_representative)
