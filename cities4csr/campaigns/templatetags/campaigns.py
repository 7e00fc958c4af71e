"""A need's open campaign, on the need's page: ``{% load campaigns %}{% need_campaign need %}``.

The needs app sits below campaigns and imports nothing of it (pyproject.toml's layers); its
template loads this tag by name, as a panel the upper app fills."""

from django import template

from cities4csr.campaigns.selectors import campaign_open_for_need

register = template.Library()


@register.inclusion_tag("campaigns/includes/need_panel.html", takes_context=True)
def need_campaign(context, need, pledge_note=False):
    city = context.get("city")
    if not hasattr(need, "_open_campaign"):  # asked twice on the page (the panel, the pledge form): one query
        need._open_campaign = campaign_open_for_need(city=city, need=need) if city is not None else None
    campaign = need._open_campaign
    return {"campaign": campaign, "city": city, "pledge_note": pledge_note}
