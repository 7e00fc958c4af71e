"""``{% pagopa_notice contribution %}``: a pagoPA contribution's payment notice, drawn by
funds/includes/pagopa_notice.html (nothing for another channel)."""

from django import template

from cities4csr.funds.pagopa_services import pagopa_notice_for

register = template.Library()


@register.simple_tag
def pagopa_notice_of(contribution):
    """The notice of ``contribution`` (None for another channel): ``{% pagopa_notice_of c as notice %}``."""
    return pagopa_notice_for(contribution)


@register.inclusion_tag("funds/includes/pagopa_notice.html", takes_context=True)
def pagopa_notice(context, contribution):
    return {"notice": pagopa_notice_for(contribution), "city": context.get("city") or contribution.city}
