"""The audit trail as people read it: one catalogue of verbs -> sentences, and what a row shows.

Every verb a service writes (``audit_log(verb=...)`` and the lifecycles' ``<name>.<verb>``) has a
sentence here, in the "audit" translation context, naming the actor (with their role in the city)
and the object (its title, linked to its page while it exists). ``test_every_emitted_verb_has_a_
sentence`` scans the code for the verbs and fails when one is missing. A verb recorded by an
older version and since gone reads with the generic sentence, never as a code.

Phrasing is gender-neutral: Italian and French use the perfect with *avere*/*avoir*, whose
participle does not agree with the subject, and roles are named by the office ("personale
comunale"), not by a gendered noun. A person erased by the privacy app appears under their
pseudonym (the account's e-mail is ``<pseudonym>@erased.invalid``); an object since deleted shows
the title recorded with the event, without a link; a title that is only a class name and an id
("MatchRun object (15)") is never shown.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.urls import NoReverseMatch, reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from .text import PSEUDONYM_DOMAIN

# -- the catalogue -------------------------------------------------------------------------------
# Placeholders: %(actor)s (name and role), %(object)s (the object's title, a link while it exists),
# %(person)s (the person a membership or role is about), %(role)s (the role granted).

SENTENCES = {
    # needs
    "need.create": pgettext_lazy("audit", "%(actor)s created the need “%(object)s”"),
    "need.update": pgettext_lazy("audit", "%(actor)s edited the need “%(object)s”"),
    "need.delete": pgettext_lazy("audit", "%(actor)s deleted the need “%(object)s”"),
    "need.import_update": pgettext_lazy("audit", "%(actor)s updated the need “%(object)s” from an imported file"),
    "needs.import": pgettext_lazy("audit", "%(actor)s imported needs from a file"),
    "need.submit": pgettext_lazy("audit", "%(actor)s submitted the need “%(object)s” for review"),
    "need.publish": pgettext_lazy("audit", "%(actor)s published the need “%(object)s”"),
    "need.return": pgettext_lazy("audit", "%(actor)s sent the need “%(object)s” back to draft"),
    "need.start": pgettext_lazy("audit", "%(actor)s marked the need “%(object)s” as in progress"),
    "need.fulfil": pgettext_lazy("audit", "%(actor)s marked the need “%(object)s” as fulfilled"),
    "need.deliver": pgettext_lazy("audit", "%(actor)s marked the need “%(object)s” as delivered"),
    "need.verify": pgettext_lazy("audit", "%(actor)s verified the need “%(object)s”"),
    "need.close": pgettext_lazy("audit", "%(actor)s closed the need “%(object)s”"),
    "need.withdraw": pgettext_lazy("audit", "%(actor)s withdrew the need “%(object)s”"),
    "line.add": pgettext_lazy("audit", "%(actor)s added the resource “%(object)s”"),
    "line.update": pgettext_lazy("audit", "%(actor)s edited the resource “%(object)s”"),
    "line.delete": pgettext_lazy("audit", "%(actor)s removed the resource “%(object)s”"),
    "action.create": pgettext_lazy("audit", "%(actor)s created the action “%(object)s”"),
    "action.update": pgettext_lazy("audit", "%(actor)s edited the action “%(object)s”"),
    "theme.create": pgettext_lazy("audit", "%(actor)s created the theme “%(object)s”"),
    "theme.update": pgettext_lazy("audit", "%(actor)s renamed the theme “%(object)s”"),
    # pledges
    "pledge.propose": pgettext_lazy("audit", "%(actor)s proposed the pledge “%(object)s”"),
    "pledge.accept": pgettext_lazy("audit", "%(actor)s accepted the pledge “%(object)s”"),
    "pledge.decline": pgettext_lazy("audit", "%(actor)s declined the pledge “%(object)s”"),
    "pledge.agree": pgettext_lazy("audit", "%(actor)s recorded the agreement on the pledge “%(object)s”"),
    "pledge.start_delivery": pgettext_lazy("audit", "%(actor)s started the delivery of the pledge “%(object)s”"),
    "pledge.mark_delivered": pgettext_lazy("audit", "%(actor)s marked the pledge “%(object)s” as delivered"),
    "pledge.verify": pgettext_lazy("audit", "%(actor)s verified the delivery of the pledge “%(object)s”"),
    "pledge.return": pgettext_lazy("audit", "%(actor)s sent the pledge “%(object)s” back"),
    "pledge.withdraw": pgettext_lazy("audit", "%(actor)s withdrew the pledge “%(object)s”"),
    "pledge_partner.accept": pgettext_lazy("audit", "%(actor)s joined the pledge “%(object)s” as a partner"),
    "pledge_partner.decline": pgettext_lazy("audit", "%(actor)s declined to join the pledge “%(object)s”"),
    "pledge_partner.withdraw": pgettext_lazy("audit", "%(actor)s withdrew from the pledge “%(object)s”"),
    "evidence.add": pgettext_lazy("audit", "%(actor)s added evidence to the pledge “%(object)s”"),
    "evidence.replace": pgettext_lazy("audit", "%(actor)s replaced evidence of the pledge “%(object)s”"),
    "evidence.withdraw": pgettext_lazy("audit", "%(actor)s withdrew evidence of the pledge “%(object)s”"),
    # agreements
    "agreement.confirm": pgettext_lazy("audit", "%(actor)s confirmed the legal instrument of the pledge “%(object)s”"),
    "agreement.notice": pgettext_lazy("audit", "%(actor)s published the public notice of the pledge “%(object)s”"),
    "agreement.step_done": pgettext_lazy("audit", "%(actor)s completed a checklist step of the pledge “%(object)s”"),
    "agreement.return_add": pgettext_lazy(
        "audit", "%(actor)s recorded a return for the giver of the pledge “%(object)s”"
    ),
    "agreement.terms": pgettext_lazy("audit", "%(actor)s edited the agreement terms of the pledge “%(object)s”"),
    "agreement.draft": pgettext_lazy("audit", "%(actor)s drafted the agreement documents of the pledge “%(object)s”"),
    "agreement.conclude": pgettext_lazy("audit", "%(actor)s concluded the agreement “%(object)s”"),
    # matching
    "matching.recompute": pgettext_lazy("audit", "%(actor)s recomputed the matching suggestions"),
    "collective.launch": pgettext_lazy("audit", "%(actor)s launched the collective action “%(object)s”"),
    "collective.close": pgettext_lazy("audit", "%(actor)s closed the collective action “%(object)s”"),
    "invitation.decline": pgettext_lazy("audit", "%(actor)s declined the invitation “%(object)s”"),
    "invitation.withdraw": pgettext_lazy("audit", "%(actor)s withdrew the invitation “%(object)s”"),
    # offers
    "offer.create": pgettext_lazy("audit", "%(actor)s published the offer “%(object)s”"),
    "offer.update": pgettext_lazy("audit", "%(actor)s edited the offer “%(object)s”"),
    "offer.withdraw": pgettext_lazy("audit", "%(actor)s withdrew the offer “%(object)s”"),
    "profile.update": pgettext_lazy("audit", "%(actor)s edited the CSR profile of “%(object)s”"),
    # organisations and people
    "organisation.create": pgettext_lazy("audit", "%(actor)s registered the organisation “%(object)s”"),
    "organisation.update": pgettext_lazy("audit", "%(actor)s edited the organisation “%(object)s”"),
    "organisations.import": pgettext_lazy("audit", "%(actor)s imported organisations from a file"),
    "site.add": pgettext_lazy("audit", "%(actor)s added the site “%(object)s”"),
    "site.update": pgettext_lazy("audit", "%(actor)s edited the site “%(object)s”"),
    "site.delete": pgettext_lazy("audit", "%(actor)s removed the site “%(object)s”"),
    "membership.add": pgettext_lazy("audit", "%(actor)s added %(person)s to the organisation “%(object)s”"),
    "membership.end": pgettext_lazy("audit", "%(actor)s ended the membership of %(person)s in “%(object)s”"),
    "role.grant": pgettext_lazy("audit", "%(actor)s gave %(person)s the role: %(role)s"),
    "role.revoke": pgettext_lazy("audit", "%(actor)s took the role “%(role)s” from %(person)s"),
    "role.change": pgettext_lazy("audit", "%(actor)s changed the role of %(object)s"),
    "role.deactivate": pgettext_lazy("audit", "%(actor)s suspended the role of %(object)s"),
    "role.reactivate": pgettext_lazy("audit", "%(actor)s restored the role of %(object)s"),
    "invitation.create": pgettext_lazy("audit", "%(actor)s invited %(object)s to take the role: %(role)s"),
    "invitation.accept": pgettext_lazy("audit", "%(actor)s accepted the invitation to the role: %(role)s"),
    "account.name_update": pgettext_lazy("audit", "%(actor)s changed the name of their account"),
    "account.erase": pgettext_lazy("audit", "%(actor)s erased the account of %(object)s"),
    "consent.give": pgettext_lazy("audit", "%(actor)s gave consent: %(object)s"),
    "consent.withdraw": pgettext_lazy("audit", "%(actor)s withdrew consent: %(object)s"),
    "apikey.create": pgettext_lazy("audit", "%(actor)s created the API key “%(object)s”"),
    "apikey.revoke": pgettext_lazy("audit", "%(actor)s revoked the API key “%(object)s”"),
    # the city
    "city.create": pgettext_lazy("audit", "%(actor)s created the city “%(object)s”"),
    "city.update": pgettext_lazy("audit", "%(actor)s edited the city “%(object)s”"),
    "city.settings": pgettext_lazy("audit", "%(actor)s changed the settings of the city"),
    "pagopa.import": pgettext_lazy("audit", "%(actor)s imported the pagoPA reporting flow “%(object)s”"),
    "city.privacy_update": pgettext_lazy("audit", "%(actor)s changed the privacy settings of the city"),
    "areas.import": pgettext_lazy("audit", "%(actor)s imported the areas “%(object)s”"),
    "places.import": pgettext_lazy("audit", "%(actor)s loaded the known places of “%(object)s”"),
    # the contributions ledger
    "ledger.post": pgettext_lazy("audit", "%(actor)s recorded the movement %(object)s in the ledger"),
    "ledger.reverse": pgettext_lazy("audit", "%(actor)s recorded the reversal %(object)s in the ledger"),
    # a company's statement (reporting): the management costs of its community programme
    "management_cost.record": pgettext_lazy(
        "audit", "%(actor)s recorded a management cost of the community programme of “%(object)s”"
    ),
    "management_cost.reverse": pgettext_lazy(
        "audit", "%(actor)s cancelled a management cost of the community programme of “%(object)s”"
    ),
    # card payments (funds.providers)
    "contribution.card_checkout": pgettext_lazy(
        "audit", "%(actor)s opened a card payment for the contribution %(object)s"
    ),
    "contribution.card_refused": pgettext_lazy(
        "audit", "%(actor)s received a card payment notice for the contribution %(object)s that needs checking by hand"
    ),
    # bank statements and reconciliation (funds.banking)
    "statement.upload": pgettext_lazy("audit", "%(actor)s uploaded a bank statement of the fund “%(object)s”"),
    "statement.reconcile": pgettext_lazy("audit", "%(actor)s reconciled a bank statement of the fund “%(object)s”"),
    "bankline.match": pgettext_lazy("audit", "%(actor)s matched a bank line with the contribution “%(object)s”"),
    "bankline.ignore": pgettext_lazy("audit", "%(actor)s set aside a bank line of the fund “%(object)s”"),
    # city funds
    "fund.create": pgettext_lazy("audit", "%(actor)s opened the fund “%(object)s”"),
    "fund.update": pgettext_lazy("audit", "%(actor)s edited the fund “%(object)s”"),
    "fund.close": pgettext_lazy("audit", "%(actor)s closed the fund “%(object)s” to new contributions"),
    "fund.reopen": pgettext_lazy("audit", "%(actor)s reopened the fund “%(object)s” to contributions"),
    "purpose.create": pgettext_lazy("audit", "%(actor)s added the purpose “%(object)s” for awards"),
    "earmark.create": pgettext_lazy("audit", "%(actor)s added an earmark to the fund “%(object)s”"),
    "contribution.create": pgettext_lazy("audit", "%(actor)s announced the contribution %(object)s"),
    "contribution.receive": pgettext_lazy("audit", "%(actor)s recorded the payment of the contribution %(object)s"),
    "contribution.cancel": pgettext_lazy("audit", "%(actor)s cancelled the contribution %(object)s"),
    "contribution.refund": pgettext_lazy("audit", "%(actor)s refunded the contribution %(object)s"),
    "contribution.refund_part": pgettext_lazy("audit", "%(actor)s refunded part of the contribution %(object)s"),
    "award.propose": pgettext_lazy("audit", "%(actor)s proposed the award “%(object)s”"),
    "award.approve": pgettext_lazy("audit", "%(actor)s approved the award “%(object)s”"),
    "award.cancel": pgettext_lazy("audit", "%(actor)s cancelled the award “%(object)s”"),
    "award.pay_out": pgettext_lazy("audit", "%(actor)s completed the payments of the award “%(object)s”"),
    "disbursement.record": pgettext_lazy("audit", "%(actor)s recorded a payment of the award “%(object)s”"),
    # match-funding campaigns
    "campaign.create": pgettext_lazy("audit", "%(actor)s created the campaign “%(object)s”"),
    "campaign.update": pgettext_lazy("audit", "%(actor)s edited the campaign “%(object)s”"),
    "campaign.open": pgettext_lazy("audit", "%(actor)s opened the campaign “%(object)s” to gifts"),
    "campaign.withdraw": pgettext_lazy("audit", "%(actor)s withdrew the draft campaign “%(object)s”"),
    "campaign.succeed": pgettext_lazy("audit", "%(actor)s recorded that the campaign “%(object)s” reached its target"),
    "campaign.miss": pgettext_lazy("audit", "%(actor)s recorded that the campaign “%(object)s” missed its target"),
    "campaign.close": pgettext_lazy("audit", "%(actor)s closed the campaign “%(object)s”, keeping what it raised"),
    "campaign.deadline": pgettext_lazy("audit", "%(actor)s applied the deadline of the campaign “%(object)s”"),
    # volunteering
    "activity.create": pgettext_lazy("audit", "%(actor)s created the volunteering activity “%(object)s”"),
    "activity.update": pgettext_lazy("audit", "%(actor)s edited the volunteering activity “%(object)s”"),
    "slots.add": pgettext_lazy("audit", "%(actor)s added dates to the volunteering activity “%(object)s”"),
    "slot.cancel": pgettext_lazy("audit", "%(actor)s cancelled the slot %(object)s"),
    "registration.create": pgettext_lazy("audit", "%(actor)s signed up for %(object)s"),
    "team.open": pgettext_lazy("audit", "%(actor)s opened the volunteering team “%(object)s”"),
    "activity.publish": pgettext_lazy("audit", "%(actor)s opened the activity “%(object)s” for sign-up"),
    "activity.close": pgettext_lazy("audit", "%(actor)s closed the activity “%(object)s”"),
    "activity.cancel": pgettext_lazy("audit", "%(actor)s cancelled the activity “%(object)s”"),
    "registration.accept": pgettext_lazy("audit", "%(actor)s accepted a registration for %(object)s"),
    "registration.accept_to_waitlist": pgettext_lazy(
        "audit", "%(actor)s accepted a registration for %(object)s onto the waiting list"
    ),
    "registration.decline": pgettext_lazy("audit", "%(actor)s declined a registration for %(object)s"),
    "registration.promote": pgettext_lazy(
        "audit", "%(actor)s gave a freed place on %(object)s to the next person waiting"
    ),
    "registration.withdraw": pgettext_lazy("audit", "%(actor)s withdrew from %(object)s"),
    "registration.cancel": pgettext_lazy("audit", "%(actor)s cancelled a registration for %(object)s"),
    "registration.check_in": pgettext_lazy("audit", "%(actor)s checked a participant in at %(object)s"),
    "registration.mark_no_show": pgettext_lazy("audit", "%(actor)s marked a participant of %(object)s as absent"),
    "hours.approve": pgettext_lazy("audit", "%(actor)s recorded the approval of volunteering hours"),
    "hours.decline": pgettext_lazy("audit", "%(actor)s declined volunteering hours"),
    "hours.correct": pgettext_lazy("audit", "%(actor)s replaced volunteering hours with a correction"),
    "registration.check_out": pgettext_lazy("audit", "%(actor)s recorded when a participant left %(object)s"),
    "hours.propose": pgettext_lazy("audit", "%(actor)s proposed volunteering hours for approval"),
    "hours.confirm": pgettext_lazy("audit", "%(actor)s confirmed volunteering hours"),
    "hours.correction": pgettext_lazy("audit", "%(actor)s corrected volunteering hours"),
    "calendar_feed.create": pgettext_lazy("audit", "%(actor)s created a calendar feed of volunteering"),
    "calendar_feed.renew": pgettext_lazy("audit", "%(actor)s replaced the address of a calendar feed of volunteering"),
    "matcher.add": pgettext_lazy("audit", "%(actor)s added a matcher to the campaign “%(object)s”"),
    "matcher.update": pgettext_lazy("audit", "%(actor)s changed a matcher of the campaign “%(object)s”"),
    "matcher.remove": pgettext_lazy("audit", "%(actor)s removed a matcher from the campaign “%(object)s”"),
    # results (impact)
    "result_indicator.create": pgettext_lazy("audit", "%(actor)s added the result indicator “%(object)s”"),
    "result_indicator.update": pgettext_lazy("audit", "%(actor)s edited the result indicator “%(object)s”"),
    "indicator_update.create": pgettext_lazy("audit", "%(actor)s reported a value of “%(object)s”"),
    "indicator_update.edit": pgettext_lazy("audit", "%(actor)s corrected a reported value of “%(object)s”"),
    "indicator_update.submit": pgettext_lazy("audit", "%(actor)s sent a value of “%(object)s” for approval"),
    "indicator_update.approve": pgettext_lazy("audit", "%(actor)s approved a value of “%(object)s”"),
    "indicator_update.return": pgettext_lazy("audit", "%(actor)s returned a value of “%(object)s” for correction"),
    "indicator.import": pgettext_lazy("audit", "%(actor)s imported the indicator “%(object)s”"),
    "retention.audit_purge": pgettext_lazy("audit", "%(actor)s removed personal data from old records of the trail"),
    "scale.seed": pgettext_lazy("audit", "%(actor)s loaded demonstration data"),
    "admin.add": pgettext_lazy("audit", "%(actor)s added “%(object)s” in the administration site"),
    "admin.change": pgettext_lazy("audit", "%(actor)s changed “%(object)s” in the administration site"),
    "admin.delete": pgettext_lazy("audit", "%(actor)s deleted “%(object)s” in the administration site"),
}

#: a verb two kinds of object share: the sentence for one of them
SENTENCES_BY_TYPE = {
    ("invitation.accept", "matching.invitation"): pgettext_lazy(
        "audit", "%(actor)s accepted the invitation “%(object)s”"
    ),
}

GENERIC = pgettext_lazy("audit", "%(actor)s made a change to “%(object)s”")


def sentence_template(verb: str, object_type: str = "") -> str:
    return str(SENTENCES_BY_TYPE.get((verb, object_type)) or SENTENCES.get(verb) or GENERIC)


def verb_choices() -> list[tuple[str, str]]:
    """(verb, what it says with blanks) for a filter's list, in the reader's language."""
    blanks = {"actor": "…", "object": "…", "person": "…", "role": "…"}
    return sorted(((verb, sentence % blanks) for verb, sentence in SENTENCES.items()), key=lambda c: c[1].lower())


# -- the objects ---------------------------------------------------------------------------------


def _title_str(obj) -> str:
    return str(obj)


@dataclass(frozen=True)
class ObjectKind:
    """How the trail names and links one kind of object."""

    label: str  # "app.model"
    url: str = ""  # a page URL name; ``pk_attr`` fills its ``pk``
    pk_attr: str = "pk"
    title: object = _title_str  # obj -> str, for an object that exists
    recorded: object = None  # object_repr -> str, for one that is gone
    related: tuple = ()  # select_related


def _before(sep):
    return lambda text: text.split(sep)[0]


def _after_at(text: str) -> str:  # "Maria Rossi @ Acme (member)" -> "Acme"
    return re.sub(r" \([^()]*\)$", "", text.split(" @ ", 1)[-1])


KINDS = {
    kind.label: kind
    for kind in (
        ObjectKind("needs.need", "need_detail", title=lambda o: o.title),
        ObjectKind("needs.resourceline", "need_detail", "need_id", title=lambda o: o.label or str(o)),
        ObjectKind("pledges.pledge", "pledge_detail", related=("organisation", "need")),
        ObjectKind("pledges.pledgepartner", "pledge_detail", "pledge_id", related=("organisation", "pledge__need")),
        ObjectKind("pledges.evidence", "pledge_detail", "pledge_id"),
        ObjectKind(
            "instruments.agreement",
            "pledge_detail",
            "pledge_id",
            title=lambda o: str(o.pledge),
            recorded=lambda t: pgettext("audit", "an agreement"),
            related=("pledge__organisation", "pledge__need"),
        ),
        ObjectKind("organisations.organisation", "organisation_detail", title=lambda o: o.name),
        ObjectKind("organisations.site", "organisation_detail", "organisation_id", title=lambda o: o.label),
        ObjectKind(
            "organisations.membership",
            "organisation_members",
            "organisation_id",
            title=lambda o: o.organisation.name,
            recorded=_after_at,
            related=("organisation",),
        ),
        ObjectKind(
            "organisations.cityrole", title=lambda o: person_name(o.user), recorded=_before(" – "), related=("user",)
        ),
        ObjectKind("organisations.cityinvitation", title=lambda o: o.email, recorded=_before(" – ")),
        ObjectKind("offers.offer", "organisation_detail", "organisation_id", title=lambda o: o.label),
        ObjectKind(
            "offers.csrprofile",
            "organisation_detail",
            "organisation_id",
            title=lambda o: o.organisation.name,
            recorded=lambda t: t.removeprefix("CSR profile of "),
            related=("organisation",),
        ),
        ObjectKind(
            "matching.collectiveaction", "need_detail", "need_id", title=lambda o: o.need.title, related=("need",)
        ),
        ObjectKind("matching.invitation", related=("organisation", "action__need")),
        ObjectKind("accounts.user", title=lambda o: person_name(o)),
        ObjectKind(
            "accounts.consent",
            title=lambda o: o.get_purpose_display(),
            recorded=lambda t: re.sub(r" \([^()]*\)$", "", t),
        ),
        ObjectKind("cities.city", "city_home", title=lambda o: o.name),
        ObjectKind("funds.fund", "officer_fund_edit", title=lambda o: o.title),
        ObjectKind("funds.purposecategory", title=lambda o: o.name),
        ObjectKind("funds.contribution", "officer_contribution", title=lambda o: o.reference, recorded=_before(" · ")),
        ObjectKind(
            "funds.award",
            "officer_award",
            title=lambda o: str(o),
            related=("organisation", "need"),
        ),
        ObjectKind("campaigns.campaign", title=lambda o: o.title),
        # a movement named in the reader's words ("#12 · Ore di volontariato"), not the writer's
        ObjectKind("ledger.postinggroup", title=lambda o: str(o)),
        ObjectKind("volunteering.activity", title=lambda o: o.title),
        ObjectKind("volunteering.slot", related=("activity",)),
        ObjectKind("volunteering.registration", related=("slot__activity",)),
        ObjectKind("volunteering.team", title=lambda o: o.name),
        ObjectKind("impact.resultindicator", "results_indicator_edit", title=lambda o: o.name),
        ObjectKind("impact.indicatorupdate", title=lambda o: o.indicator.name, related=("indicator",)),
    )
}

_CLASS_AND_ID = re.compile(r"^\w+ object \(\d+\)$")


def object_kind_choices() -> list[tuple[str, str]]:
    """(label, plural name) of the kinds of object the trail names, for a filter."""
    choices = []
    for label in sorted({*KINDS, "needs.action", "needs.theme", "instruments.agreement", "cities.arealayer"}):
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        choices.append((label, capfirst(str(model._meta.verbose_name_plural))))
    return sorted(choices, key=lambda c: c[1].lower())


# -- people --------------------------------------------------------------------------------------


def person_name(user) -> str:
    """A person as the trail names them: their name, else their address; an erased account by its
    pseudonym (never the address it had)."""
    email = user.email or ""
    if email.endswith("@" + PSEUDONYM_DOMAIN):
        return email.split("@", 1)[0]
    return user.get_full_name() or email


_PURGED = re.compile(r"person #(\d+)")  # what the retention purge leaves of an address (privacy.retention)


def _recorded_person(label: str) -> str:
    """A person as an event recorded them: an erased account's address becomes its pseudonym, and
    what the retention purge left ("person #42", "[e-mail removed]") is said in the reader's words."""
    if label.endswith("@" + PSEUDONYM_DOMAIN):
        return label.split("@", 1)[0]
    label = _PURGED.sub(lambda m: pgettext("audit", "person no. %(id)s") % {"id": m.group(1)}, label)
    return label.replace("[e-mail removed]", pgettext("audit", "a person"))


ROLE_WORDS = {
    "admin": pgettext_lazy("audit role", "platform administration"),
    "officer": pgettext_lazy("audit role", "city staff"),
    "volunteer": pgettext_lazy("audit role", "volunteering"),
}
ROLE_ORDER = ["admin", "officer", "volunteer"]


def _roles_of(city, user_ids) -> dict[int, str]:
    """The role each person has in the city now, as the trail says it."""
    CityRole = apps.get_model("organisations", "CityRole")
    Membership = apps.get_model("organisations", "Membership")
    held: dict[int, set] = defaultdict(set)
    for user_id, role in (
        CityRole.objects.with_scopes_disabled()
        .filter(city=city, user_id__in=user_ids, is_active=True)
        .values_list("user_id", "role")
        .order_by("user_id", "role")
    ):
        held[user_id].add(role)
    words = {uid: str(ROLE_WORDS[next(r for r in ROLE_ORDER if r in roles)]) for uid, roles in held.items()}
    for user_id, organisation in (  # one query whoever they are (the page's count does not vary)
        Membership.objects.with_scopes_disabled()
        .filter(city=city, user_id__in=user_ids, role="representative")
        .values_list("user_id", "organisation__name")
        .order_by("user_id", "organisation__name")
    ):
        words.setdefault(user_id, pgettext("audit role", "for %(organisation)s") % {"organisation": organisation})
    return words


# -- the rows ------------------------------------------------------------------------------------


@dataclass
class Change:
    label: str
    old: str = ""
    new: str = ""

    @property
    def label_text(self) -> str:
        """ "State:" ("État :" in French)."""
        return pgettext("audit change", "%(label)s:") % {"label": self.label}


@dataclass
class ActivityRow:
    """One event as a person reads it."""

    event: object
    actor_name: str
    actor_role: str
    object_title: str
    object_url: str
    sentence: SafeString  # HTML, the object linked
    text: str  # the same, plain
    changes: list[Change] = field(default_factory=list)

    @property
    def created_at(self):
        return self.event.created_at

    @property
    def changes_text(self) -> str:
        return "; ".join(
            f"{c.label_text} {c.old} → {c.new}" if c.old else f"{c.label_text} {c.new}" for c in self.changes
        )


def _live_objects(city, events) -> dict[tuple[str, str], object]:
    wanted: dict[str, set] = defaultdict(set)
    for event in events:
        if event.object_type in KINDS:
            wanted[event.object_type].add(event.object_id)
    found = {}
    for label, ids in wanted.items():
        model = apps.get_model(label)
        manager = model._default_manager
        if hasattr(manager, "with_scopes_disabled"):
            manager = manager.with_scopes_disabled()
        qs = manager.filter(pk__in=[i for i in ids if i.isdigit()])
        if label == "cities.city":
            qs = qs.filter(pk=city.pk)
        elif any(f.name == "city" for f in model._meta.fields):
            qs = qs.filter(city=city)
        kind = KINDS[label]
        if kind.related:
            qs = qs.select_related(*kind.related)
        for obj in qs:
            found[label, str(obj.pk)] = obj
    return found


def _fallback_title(event) -> str:
    title = event.object_repr
    if not title or _CLASS_AND_ID.match(title):
        try:
            name = str(apps.get_model(event.object_type)._meta.verbose_name)
        except (LookupError, ValueError):
            name = pgettext("audit", "record")
        return pgettext("audit", "%(kind)s no. %(id)s") % {"kind": name, "id": event.object_id}
    return title


def _link(kind: ObjectKind, obj, city) -> str:
    if not kind.url:
        return ""
    kwargs = {"city_slug": city.slug}
    if kind.url != "city_home":
        kwargs["pk"] = getattr(obj, kind.pk_attr)
    try:
        return reverse(kind.url, kwargs=kwargs)
    except NoReverseMatch:
        return ""


def _value_text(value, *, name: str, model, city) -> str:
    from cities4csr.core.money import active_locale, money_format

    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if name.endswith("_cents") and isinstance(value, int):
        return money_format(value, locale=active_locale(), currency=city.currency)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(str(v) for v in value.values())
    if model is not None:
        try:
            choices = dict(model._meta.get_field(name).flatchoices)
        except FieldDoesNotExist:  # not a field of the model: the value as it is
            choices = {}
        if value in choices:
            return str(choices[value])
    return str(value)


def _field_label(model, name: str) -> str:
    if model is not None:
        try:
            return capfirst(str(model._meta.get_field(name).verbose_name))
        except FieldDoesNotExist:
            pass  # not a field of the model: a label of the list below, or none
    known = {
        "value_cents": pgettext("audit field", "Value"),
        "quantity": pgettext("audit field", "Quantity"),
        "label": pgettext("audit field", "Name"),
    }
    return known.get(name, "")


def _changes(event, city) -> list[Change]:
    """What the payload says changed, in people's words; keys with no label for people are left out."""
    from .lifecycle import REGISTRY

    payload = event.payload if isinstance(event.payload, dict) else {}
    try:
        model = apps.get_model(event.object_type)
    except (LookupError, ValueError):
        model = None
    out: list[Change] = []
    lifecycle = REGISTRY.get(event.object_type)
    if "from" in payload and "to" in payload:
        if lifecycle is not None:
            out.append(
                Change(
                    pgettext("audit field", "State"),
                    _value_text(payload["from"], name=lifecycle.field, model=model, city=city),
                    _value_text(payload["to"], name=lifecycle.field, model=model, city=city),
                )
            )
        elif event.verb == "role.change":
            out.append(
                Change(
                    pgettext("audit field", "Role"),
                    _value_text(payload["from"], name="role", model=model, city=city),
                    _value_text(payload["to"], name="role", model=model, city=city),
                )
            )
    changed = payload.get("changed")
    if isinstance(changed, dict):
        for name, pair in changed.items():
            label = _field_label(model, name)
            if label and isinstance(pair, list | tuple) and len(pair) == 2:
                out.append(
                    Change(
                        label,
                        _value_text(pair[0], name=name, model=model, city=city),
                        _value_text(pair[1], name=name, model=model, city=city),
                    )
                )
    before, after = payload.get("before"), payload.get("after")
    if isinstance(before, dict) and isinstance(after, dict):
        for name in after:
            if name in before and before[name] != after[name]:
                label = _field_label(model, name)
                if label:
                    out.append(
                        Change(
                            label,
                            _value_text(before[name], name=name, model=model, city=city),
                            _value_text(after[name], name=name, model=model, city=city),
                        )
                    )
    fields = payload.get("fields")
    if isinstance(fields, list) and fields:
        labels = [label for label in (_field_label(model, str(name)) for name in fields) if label]
        if labels:
            out.append(Change(pgettext("audit field", "Fields changed"), "", ", ".join(labels)))
    reason = payload.get("reason")
    if isinstance(reason, str) and reason.strip() and reason not in ("erasure", "request", "inactive", "unverified"):
        out.append(Change(pgettext("audit field", "Reason"), "", reason.strip()))
    return out


def _role_word(value) -> str:
    CityRole = apps.get_model("organisations", "CityRole")
    Membership = apps.get_model("organisations", "Membership")
    labels = {**dict(Membership.Role.choices), **dict(CityRole.Role.choices)}
    return str(labels.get(value, pgettext("audit", "a role")))


def _sentence_html(template: str, **values) -> SafeString:
    """The translated sentence as HTML: its own text escaped, each placeholder filled by
    ``format_html`` (which escapes the values, or keeps the links built by format_html)."""
    escaped = str(conditional_escape(template)).replace("{", "{{").replace("}", "}}")
    return format_html(re.sub(r"%\((\w+)\)s", r"{\1}", escaped), **values)


def activity_rows(events, *, city) -> list[ActivityRow]:
    """The events (already scoped to ``city``) as rows people read: a fixed number of queries
    whatever their number (the objects of each kind at once, the actors' roles at once)."""
    events = list(events)
    live = _live_objects(city, events)
    roles = _roles_of(city, sorted({e.actor_id for e in events if e.actor_id}))
    rows = []
    for event in events:
        if event.actor_id and event.actor is not None:
            actor_name, actor_role = person_name(event.actor), roles.get(event.actor_id, "")
        elif event.actor_label in ("", "system"):
            actor_name, actor_role = pgettext("audit", "The platform"), ""
        else:
            actor_name, actor_role = _recorded_person(event.actor_label), ""
        kind = KINDS.get(event.object_type)
        obj = live.get((event.object_type, event.object_id))
        if kind is not None and obj is not None:
            title, url = kind.title(obj) or _fallback_title(event), _link(kind, obj, city)
        elif kind is not None and kind.recorded is not None and event.object_repr:
            title, url = _recorded_person(kind.recorded(event.object_repr)), ""
        else:
            title, url = _recorded_person(_fallback_title(event)), ""
        payload = event.payload if isinstance(event.payload, dict) else {}
        person = _recorded_person(str(payload.get("user", ""))) or pgettext("audit", "someone")
        role = _role_word(payload.get("role"))
        template = sentence_template(event.verb, event.object_type)
        actor_html = (
            format_html("<strong>{}</strong> ({})", actor_name, actor_role)
            if actor_role
            else format_html("<strong>{}</strong>", actor_name)
        )
        object_html = format_html('<a href="{}">{}</a>', url, title) if url else conditional_escape(title)
        html = _sentence_html(template, actor=actor_html, object=object_html, person=person, role=role)
        actor_text = f"{actor_name} ({actor_role})" if actor_role else actor_name
        text = template % {"actor": actor_text, "object": title, "person": person, "role": role}
        rows.append(
            ActivityRow(
                event=event,
                actor_name=actor_name,
                actor_role=actor_role,
                object_title=title,
                object_url=url,
                sentence=html,
                text=capfirst(text),
                changes=_changes(event, city),
            )
        )
    return rows
