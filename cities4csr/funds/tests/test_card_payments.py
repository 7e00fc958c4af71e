"""Card payments through Stripe (ADR 0029): shown only when configured, a hosted checkout
started with the contribution's amount, currency and page, and signed webhooks that receive,
cancel and refund a contribution once, whatever is sent again. Never the network: Stripe's
library talks to a fake HTTP client, and each webhook is signed here with the test's secret
(t=…,v1=HMAC-SHA256 of "t.payload"), as Stripe signs them."""

import hashlib
import hmac
import json
import time
from urllib.parse import parse_qs

import pytest
import stripe
from django.conf import settings
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.utils import translation
from django_scopes import scope, scopes_disabled

from cities4csr.core.models import AuditEvent
from cities4csr.funds.models import Contribution, Fund, ProviderEvent
from cities4csr.funds.providers import card_payments_available, card_provider
from cities4csr.funds.providers.services import card_checkout_start, card_refund
from cities4csr.funds.providers.stripe import StripeProvider
from cities4csr.ledger.models import PostingGroup

from .factories import a_fund, a_gift

WEBHOOK = "/api/v1/payments/stripe/webhook/"
SECRET = "whsec_test_only_not_a_real_secret"


class FakeStripe(stripe.HTTPClient):
    """Stripe's API as far as checkout goes: sessions are created and read back; every call is
    kept so a test can read what was sent."""

    name = "fake"

    def __init__(self):
        super().__init__()
        self.calls = []
        self.sessions = {}
        self.fail = False

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        self.calls.append((method, url, parse_qs(post_data or "")))
        if self.fail:
            return json.dumps({"error": {"type": "api_error", "message": "down"}}), 500, {}
        if method == "post" and url.endswith("/v1/checkout/sessions"):
            session_id = f"cs_test_{len(self.sessions) + 1}"
            params = parse_qs(post_data)
            self.sessions[session_id] = {
                "id": session_id,
                "object": "checkout.session",
                "status": "open",
                "amount_total": int(params["line_items[0][price_data][unit_amount]"][0]),
                "url": f"https://checkout.stripe.test/c/pay/{session_id}",
            }
            return json.dumps(self.sessions[session_id]), 200, {}
        if method == "post" and url.endswith("/v1/refunds"):
            params = parse_qs(post_data)
            refund = {
                "id": f"re_fake_{len(self.refunds())}",
                "object": "refund",
                "status": "succeeded",
                "amount": int(params["amount"][0]),
                "currency": "eur",
                "payment_intent": params["payment_intent"][0],
            }
            return json.dumps(refund), 200, {}
        if method == "get" and "/v1/checkout/sessions/" in url:
            session = self.sessions.get(url.rsplit("/", 1)[1])
            if session is None:
                return json.dumps({"error": {"type": "invalid_request_error", "message": "No such session"}}), 404, {}
            return json.dumps(session), 200, {}
        raise AssertionError(f"unexpected call to Stripe: {method} {url}")

    def creates(self):
        return [params for method, url, params in self.calls if method == "post" and "/checkout/" in url]

    def refunds(self):
        return [params for method, url, params in self.calls if method == "post" and url.endswith("/v1/refunds")]

    def close(self):
        pass


@pytest.fixture
def fake_stripe(monkeypatch):
    fake = FakeStripe()
    monkeypatch.setattr(StripeProvider, "http_client", fake)
    return fake


@pytest.fixture
def stripe_on(settings, fake_stripe):
    settings.CARD_PROVIDER = "stripe"
    settings.STRIPE_SECRET_KEY = "sk_test_fake"
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    return fake_stripe


def card_gift(world, fund, cents=2000, **fields):
    with scope(city=world.city.pk):
        return a_gift(world, fund, cents, received=False, channel=Contribution.Channel.CARD, **fields)


def signed(event: dict, *, secret=SECRET, at=None) -> tuple[bytes, str]:
    payload = json.dumps(event).encode()
    timestamp = int(time.time() if at is None else at)
    signature = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return payload, f"t={timestamp},v1={signature}"


def send(event: dict, **signing):
    payload, header = signed(event, **signing)
    # as Stripe posts: no session, no CSRF token
    client = Client(enforce_csrf_checks=True)
    return client.post(WEBHOOK, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)


def session_event(contribution, session_id, *, type="checkout.session.completed", event_id="evt_paid_1", **fields):
    session = {
        "id": session_id,
        "object": "checkout.session",
        "mode": "payment",
        "status": "complete",
        "payment_status": "paid",
        "amount_total": contribution.amount_cents,
        "currency": contribution.city.currency.lower(),
        "client_reference_id": str(contribution.pk),
        "payment_intent": "pi_test_1",
        "metadata": {"contribution": str(contribution.pk), "city": contribution.city.slug, "site": settings.SITE_URL},
        **fields,
    }
    return {"id": event_id, "object": "event", "type": type, "created": int(time.time()), "data": {"object": session}}


def refund_event(
    *, refund_id="re_test_1", amount=500, status="succeeded", event_id="evt_refund_1", type="refund.updated"
):
    refund = {
        "id": refund_id,
        "object": "refund",
        "amount": amount,
        "currency": "eur",
        "status": status,
        "payment_intent": "pi_test_1",
        "charge": "ch_test_1",
        "metadata": {},
    }
    return {"id": event_id, "object": "event", "type": type, "created": int(time.time()), "data": {"object": refund}}


def started(world, contribution):
    """The donor pressed "Pay by card": the checkout's session id is the contribution's."""
    with scope(city=world.city.pk):
        card_checkout_start(
            actor=None, contribution=contribution, success_url="https://x.test/ok", cancel_url="https://x.test/no"
        )
        contribution.refresh_from_db()
    return contribution


def state(contribution):
    with scopes_disabled():
        contribution.refresh_from_db()
    return contribution.state


def balance(fund):
    with scopes_disabled():
        return Fund.objects.select_related("account").get(pk=fund.pk).account.balance_cents


def writes():
    with scopes_disabled():
        return PostingGroup.objects.count(), AuditEvent.objects.count(), ProviderEvent.objects.count()


def panel(contribution, query=""):
    request = RequestFactory().get(f"/?{query}")
    with scope(city=contribution.city_id):
        return Template("{% load card_payments %}{% card_payment contribution %}").render(
            Context({"contribution": contribution, "request": request})
        )


@pytest.fixture
def milan(two_cities):
    world = two_cities.milan
    with scope(city=world.city.pk):
        fund = a_fund(world)
    return world, fund


# -- shown only when configured -----------------------------------------------------------------


@pytest.mark.django_db
def test_without_keys_there_is_no_card_option_and_its_addresses_are_404(milan, fake_stripe, settings):
    world, fund = milan
    gift = card_gift(world, fund)
    settings.CARD_PROVIDER = "stripe"  # named, but its keys are missing
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    assert card_provider() is None and not card_payments_available(world.city)
    assert "Pay by card" not in panel(gift)
    page = f"/en/{world.city.slug}/funds/contributions/{gift.access_token}/pay-by-card/"
    assert Client().post(page).status_code == 404
    assert send(session_event(gift, "cs_test_1")).status_code == 404
    assert fake_stripe.calls == [] and state(gift) == Contribution.State.PENDING


@pytest.mark.django_db
def test_with_keys_a_pending_card_gift_shows_pay_by_card_and_nothing_else_does(milan, stripe_on):
    world, fund = milan
    gift = card_gift(world, fund)
    assert card_payments_available(world.city)
    html = panel(gift)
    assert "Pay by card" in html
    assert f"/funds/contributions/{gift.access_token}/pay-by-card/" in html
    back = panel(gift, "card=done")
    assert "usually within a minute" in back and "pay-by-card/" not in back  # no second payment
    with translation.override("it"):
        assert "Paga con carta" in panel(gift) and "Pay by card" not in panel(gift)
    with translation.override("fr"):
        assert "Payer par carte" in panel(gift)
    with scope(city=world.city.pk):
        transfer = a_gift(world, fund, 2000, received=False)
        paid = a_gift(world, fund, 2000, channel=Contribution.Channel.CARD)
    assert "Pay by card" not in panel(transfer)
    assert "Pay by card" not in panel(paid)


# -- checkout ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_pay_by_card_opens_a_checkout_of_the_amount_in_the_citys_currency_back_to_the_gift(milan, stripe_on):
    world, fund = milan
    gift = card_gift(world, fund, 2050, donor_email="maria@example.org")
    page = f"/it/{world.city.slug}/funds/contributions/{gift.access_token}/"
    response = Client().post(page + "pay-by-card/")
    assert response.status_code == 302
    assert response["Location"] == "https://checkout.stripe.test/c/pay/cs_test_1"
    (sent,) = stripe_on.creates()
    assert sent["mode"] == ["payment"]
    assert sent["line_items[0][price_data][unit_amount]"] == ["2050"]
    assert sent["line_items[0][price_data][currency]"] == ["eur"]
    assert sent["line_items[0][quantity]"] == ["1"]
    assert sent["client_reference_id"] == [str(gift.pk)]
    assert sent["metadata[contribution]"] == [str(gift.pk)]
    assert sent["metadata[city]"] == [world.city.slug]
    assert sent["payment_intent_data[metadata][contribution]"] == [str(gift.pk)]
    assert sent["success_url"] == [f"{settings.SITE_URL}{page}?card=done"]
    assert sent["cancel_url"] == [f"{settings.SITE_URL}{page}?card=cancelled"]
    assert sent["customer_email"] == ["maria@example.org"]
    assert sent["locale"] == ["it"]
    with scopes_disabled():
        gift.refresh_from_db()
        assert gift.provider_ref == "cs_test_1"
        assert AuditEvent.objects.filter(verb="contribution.card_checkout", object_id=str(gift.pk)).count() == 1
    # pressed again: the open checkout is taken up, not a second one opened
    again = Client().post(page + "pay-by-card/")
    assert again["Location"] == "https://checkout.stripe.test/c/pay/cs_test_1"
    assert len(stripe_on.creates()) == 1


@pytest.mark.django_db
def test_pay_by_card_is_404_for_a_bank_transfer_or_an_unknown_key(milan, stripe_on):
    world, fund = milan
    with scope(city=world.city.pk):
        transfer = a_gift(world, fund, 2000, received=False)
    base = f"/en/{world.city.slug}/funds/contributions"
    assert Client().post(f"{base}/{transfer.access_token}/pay-by-card/").status_code == 404
    assert Client().post(f"{base}/not-a-key/pay-by-card/").status_code == 404
    assert Client().get(f"{base}/{transfer.access_token}/pay-by-card/").status_code == 405
    assert stripe_on.calls == []


@pytest.mark.django_db
def test_when_stripe_is_down_the_donor_is_told_to_try_again_and_nothing_changes(milan, stripe_on):
    world, fund = milan
    gift = card_gift(world, fund)
    stripe_on.fail = True
    page = f"/en/{world.city.slug}/funds/contributions/{gift.access_token}/"
    client = Client()
    response = client.post(page + "pay-by-card/")
    assert response.status_code == 302 and response["Location"] == page
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["The card payment could not be started. Try again in a few minutes."]
    with scopes_disabled():
        gift.refresh_from_db()
    assert gift.provider_ref == "" and gift.state == Contribution.State.PENDING


# -- webhooks --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_paid_checkout_receives_the_gift_once_even_sent_three_more_times(milan, stripe_on):
    world, fund = milan
    gift = started(world, card_gift(world, fund, 2000))
    before = writes()
    event = session_event(gift, gift.provider_ref)
    response = send(event)
    assert response.status_code == 200 and response.json() == {"received": True, "outcomes": ["applied"]}
    assert state(gift) == Contribution.State.RECEIVED
    assert gift.received_cents == 2000 and gift.group_id is not None
    assert balance(fund) == 2000
    after = writes()
    assert after[0] == before[0] + 1  # one movement in the ledger
    for _ in range(3):
        again = send(event)
        assert again.status_code == 200 and again.json()["outcomes"] == ["repeated"]
    # the same payment told by another event (a delayed method's success) changes nothing either
    other = send(
        session_event(gift, gift.provider_ref, type="checkout.session.async_payment_succeeded", event_id="evt_2")
    )
    assert other.json()["outcomes"] == ["unchanged"]
    assert balance(fund) == 2000 and writes()[:2] == after[:2]
    with scopes_disabled():
        receipt = AuditEvent.objects.get(verb="contribution.receive", object_id=str(gift.pk))
    assert receipt.actor_id is None and receipt.actor_label == "system"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "tamper",
    ["wrong secret", "altered body", "no signature", "too old"],
)
def test_a_bad_signature_is_400_and_writes_nothing(milan, stripe_on, tamper):
    world, fund = milan
    gift = started(world, card_gift(world, fund))
    before = writes()
    event = session_event(gift, gift.provider_ref)
    payload, header = signed(event, secret="whsec_someone_else" if tamper == "wrong secret" else SECRET)
    if tamper == "altered body":
        payload = payload.replace(b'"amount_total": 2000', b'"amount_total": 200000')
    if tamper == "too old":
        payload, header = signed(event, at=time.time() - 3600)
    extra = {} if tamper == "no signature" else {"HTTP_STRIPE_SIGNATURE": header}
    response = Client().post(WEBHOOK, data=payload, content_type="application/json", **extra)
    assert response.status_code == 400
    assert response.json()["codes"] == {"non_field_errors": ["bad_signature"]}
    assert state(gift) == Contribution.State.PENDING
    assert writes() == before


@pytest.mark.django_db
def test_an_expired_checkout_cancels_the_gift_unless_a_newer_one_is_open(milan, stripe_on):
    world, fund = milan
    gift = started(world, card_gift(world, fund))
    old = send(session_event(gift, "cs_test_older", type="checkout.session.expired", event_id="evt_old"))
    assert old.json()["outcomes"] == ["unchanged"] and state(gift) == Contribution.State.PENDING
    expired = send(session_event(gift, gift.provider_ref, type="checkout.session.expired", event_id="evt_exp"))
    assert expired.status_code == 200 and expired.json()["outcomes"] == ["applied"]
    assert state(gift) == Contribution.State.CANCELLED
    assert balance(fund) == 0


@pytest.mark.django_db
def test_a_refund_reverses_that_part_of_the_gift_once(milan, stripe_on):
    world, fund = milan
    gift = started(world, card_gift(world, fund, 2000))
    send(session_event(gift, gift.provider_ref))
    assert balance(fund) == 2000
    pending = send(refund_event(status="pending", type="refund.created", event_id="evt_r0"))
    assert pending.json()["outcomes"] == ["ignored"] and balance(fund) == 2000
    refund = refund_event(amount=500)
    assert send(refund).json()["outcomes"] == ["applied"]
    assert state(gift) == Contribution.State.PARTLY_REFUNDED
    assert gift.refunded_cents == 500 and balance(fund) == 1500
    groups = writes()[0]
    assert send(refund).json()["outcomes"] == ["repeated"]
    # the same refund told again by the charge's event (with its list of refunds)
    charge = {
        "id": "evt_charge_refunded",
        "object": "event",
        "type": "charge.refunded",
        "created": int(time.time()),
        "data": {
            "object": {
                "id": "ch_test_1",
                "object": "charge",
                "payment_intent": "pi_test_1",
                "amount_refunded": 500,
                "metadata": {},
                "refunds": {"object": "list", "data": [refund["data"]["object"]]},
            }
        },
    }
    assert send(charge).json()["outcomes"] == ["unchanged"]
    assert balance(fund) == 1500 and writes()[0] == groups
    with scopes_disabled():
        reversal = PostingGroup.objects.get(source_ref="funds.refund:stripe:re_test_1")
    assert reversal.reverses_id == gift.group_id and reversal.memo == "Rimborso del pagamento con carta"


@pytest.mark.django_db
def test_a_webhook_lands_in_its_own_city_only(two_cities, stripe_on):
    milan, nantes = two_cities.milan, two_cities.nantes
    with scope(city=milan.city.pk):
        milan_fund = a_fund(milan)
    with scope(city=nantes.city.pk):
        nantes_fund = a_fund(nantes, slug="nantes-solidaire", title="Nantes solidaire")
    milan_gift = started(milan, card_gift(milan, milan_fund, 3000))
    nantes_gift = started(nantes, card_gift(nantes, nantes_fund, 4000))
    assert send(session_event(nantes_gift, nantes_gift.provider_ref)).json()["outcomes"] == ["applied"]
    assert state(nantes_gift) == Contribution.State.RECEIVED and balance(nantes_fund) == 4000
    assert state(milan_gift) == Contribution.State.PENDING and balance(milan_fund) == 0
    with scopes_disabled():
        # the demo may have seeded other cities' receipts in this database: only these two gifts count
        receipts = AuditEvent.objects.filter(
            verb="contribution.receive",
            object_type="funds.contribution",
            object_id__in=[str(milan_gift.pk), str(nantes_gift.pk)],
        )
        assert list(receipts.values_list("city_id", flat=True)) == [nantes.city.pk]
        assert ProviderEvent.objects.get(contribution=nantes_gift).city_id == nantes.city.pk
    # Milan's contribution number under Nantes' name is no contribution of this site
    forged = session_event(milan_gift, milan_gift.provider_ref, event_id="evt_x")
    forged["data"]["object"]["metadata"]["city"] = nantes.city.slug
    assert send(forged).json()["outcomes"] == ["unknown"]
    assert state(milan_gift) == Contribution.State.PENDING and balance(milan_fund) == 0


@pytest.mark.django_db
def test_other_events_are_answered_and_ignored(milan, stripe_on):
    world, fund = milan
    gift = started(world, card_gift(world, fund))
    before = writes()
    customer = {"id": "evt_c", "object": "event", "type": "customer.created", "data": {"object": {"id": "cus_1"}}}
    assert send(customer).json() == {"received": True, "outcomes": ["ignored"]}
    # a checkout of another site sharing the Stripe account
    elsewhere = session_event(gift, gift.provider_ref, event_id="evt_e")
    elsewhere["data"]["object"]["metadata"]["site"] = "https://staging.example.org"
    assert send(elsewhere).json()["outcomes"] == ["ignored"]
    # a delayed method still pending: its success comes later
    unpaid = send(session_event(gift, gift.provider_ref, event_id="evt_u", payment_status="unpaid"))
    assert unpaid.json()["outcomes"] == ["ignored"]
    assert writes() == before and state(gift) == Contribution.State.PENDING


@pytest.mark.django_db
def test_money_for_a_cancelled_gift_is_recorded_for_an_officer_and_changes_nothing(milan, stripe_on):
    world, fund = milan
    gift = started(world, card_gift(world, fund))
    send(session_event(gift, gift.provider_ref, type="checkout.session.expired", event_id="evt_exp"))
    paid = send(session_event(gift, gift.provider_ref, event_id="evt_late"))
    assert paid.status_code == 200 and paid.json()["outcomes"] == ["refused"]
    assert state(gift) == Contribution.State.CANCELLED and balance(fund) == 0
    with scopes_disabled():
        event = ProviderEvent.objects.get(event_id="evt_late")
        assert (event.outcome, event.detail) == (ProviderEvent.Outcome.REFUSED, "not_pending")
        flagged = AuditEvent.objects.get(verb="contribution.card_refused")
    assert flagged.city_id == world.city.pk and flagged.object_id == str(gift.pk)
    assert send(session_event(gift, gift.provider_ref, event_id="evt_late")).json()["outcomes"] == ["repeated"]


# -- an officer's refund -------------------------------------------------------------------------


def paid(world, fund, cents=2000):
    gift = started(world, card_gift(world, fund, cents))
    assert send(session_event(gift, gift.provider_ref, event_id=f"evt_paid_{gift.pk}")).json()["outcomes"] == [
        "applied"
    ]
    state(gift)
    return gift


@pytest.mark.django_db
def test_an_officer_refunds_the_card_and_the_providers_notice_of_it_adds_nothing(milan, stripe_on):
    world, fund = milan
    gift = paid(world, fund, 2000)
    with scope(city=world.city.pk):
        refunded = card_refund(actor=world.officer, contribution=gift, amount_cents=600, reason="Donazione doppia")
    (sent,) = stripe_on.refunds()
    assert sent["payment_intent"] == ["pi_test_1"] and sent["amount"] == ["600"]
    assert refunded.state == Contribution.State.PARTLY_REFUNDED and refunded.refunded_cents == 600
    assert balance(fund) == 1400
    groups = writes()[0]
    notice = send(refund_event(refund_id="re_fake_1", amount=600, event_id="evt_officer_refund"))
    assert notice.json()["outcomes"] == ["unchanged"]
    assert balance(fund) == 1400 and writes()[0] == groups


@pytest.mark.django_db
def test_a_refund_the_ledger_would_refuse_never_reaches_the_card(milan, stripe_on):
    from django.core.exceptions import PermissionDenied, ValidationError

    world, fund = milan
    gift = paid(world, fund, 2000)
    with scope(city=world.city.pk):
        with pytest.raises(PermissionDenied):
            card_refund(actor=world.representative, contribution=gift, amount_cents=101, reason="x")
        with pytest.raises(ValidationError) as too_much:
            card_refund(actor=world.officer, contribution=gift, amount_cents=2001, reason="x")
        assert too_much.value.error_dict["amount_cents"][0].code == "too_much"
        with pytest.raises(ValidationError) as no_reason:
            card_refund(actor=world.officer, contribution=gift, amount_cents=102, reason=" ")
        assert no_reason.value.error_dict["reason"][0].code == "reason_required"
        stripe_on.fail = True
        with pytest.raises(ValidationError) as down:
            card_refund(actor=world.officer, contribution=gift, amount_cents=103, reason="x")
        assert down.value.code == "provider_unavailable"
    # only the last one was asked (the library retries it), and it failed
    assert {sent["amount"][0] for sent in stripe_on.refunds()} == {"103"}
    assert state(gift) == Contribution.State.RECEIVED and balance(fund) == 2000


@pytest.mark.django_db
def test_back_from_a_paid_checkout_before_its_notice_no_second_checkout_opens(milan, stripe_on):
    world, fund = milan
    gift = started(world, card_gift(world, fund))
    stripe_on.sessions[gift.provider_ref]["status"] = "complete"  # paid; the webhook is on its way
    page = f"/en/{world.city.slug}/funds/contributions/{gift.access_token}/"
    response = Client().post(page + "pay-by-card/")
    assert response.status_code == 302 and response["Location"] == page
    assert [str(m) for m in response.wsgi_request._messages] == [
        "Your card payment has been made: it appears here as soon as the card payment service confirms it."
    ]
    assert len(stripe_on.creates()) == 1


@pytest.mark.django_db
def test_a_checkout_the_platform_did_not_start_is_no_contribution_of_its(milan, stripe_on):
    world, fund = milan
    gift = started(world, card_gift(world, fund))
    # e.g. a payment link of the same Stripe account, whose reference happens to be a number
    foreign = session_event(gift, "cs_test_link", event_id="evt_link", metadata={})
    assert send(foreign).json()["outcomes"] == ["unknown"]
    assert state(gift) == Contribution.State.PENDING and balance(fund) == 0
