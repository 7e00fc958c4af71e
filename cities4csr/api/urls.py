"""/api/v1/: the versioned API. City-owned resources live under /api/v1/cities/<city>/."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from cities4csr.accounts.apikeys import api as api_key_api
from cities4csr.cities.api import views as city_api
from cities4csr.core.api import views as core_api
from cities4csr.homes.api import views as home_api
from cities4csr.impact.api import dashboard as dashboard_api
from cities4csr.impact.api import equity as equity_api
from cities4csr.instruments.api import views as instrument_api
from cities4csr.ledger.api import views as ledger_api
from cities4csr.matching.api import views as matching_api
from cities4csr.needs.api import views as need_api
from cities4csr.offers.api import views as offer_api
from cities4csr.organisations.api import views as organisation_api
from cities4csr.pledges.api import views as pledge_api
from cities4csr.privacy.api import views as privacy_api

app_name = "api"

city_patterns = [
    path("", city_api.CityDetailView.as_view(), name="city-detail"),
    path("areas/", city_api.AreaListView.as_view(), name="area-list"),
    path("areas.geojson", city_api.AreaGeoJSONView.as_view(), name="area-geojson"),
    path("areas/locate/", city_api.AreaLocateView.as_view(), name="area-locate"),
    path("areas/<slug:kind>/<str:code>/", home_api.AreaFiguresView.as_view(), name="area-figures"),
    path("me/home/", home_api.MyHomeView.as_view(), name="my-home"),
    path("indicators/", city_api.IndicatorListView.as_view(), name="indicator-list"),
    path("places/", city_api.PlaceListView.as_view(), name="place-list"),
    path("organisations/", organisation_api.OrganisationListView.as_view(), name="organisation-list"),
    path("organisations/<int:pk>/", organisation_api.OrganisationDetailView.as_view(), name="organisation-detail"),
    path("organisations/<int:pk>/sites/", organisation_api.SiteCreateView.as_view(), name="organisation-sites"),
    path("organisations/<int:pk>/", include("cities4csr.reporting.api.urls")),
    path(
        "organisations/<int:pk>/sites/<int:site_pk>/",
        organisation_api.SiteDetailView.as_view(),
        name="organisation-site-detail",
    ),
    path(
        "organisations/<int:pk>/members/",
        organisation_api.OrganisationMembersView.as_view(),
        name="organisation-members",
    ),
    path("roles/", organisation_api.CityRoleListView.as_view(), name="role-list"),
    path("roles/<int:pk>/", organisation_api.CityRoleDetailView.as_view(), name="role-detail"),
    path("role-invitations/", organisation_api.CityInvitationCreateView.as_view(), name="role-invitation-create"),
    path("audit/", core_api.AuditEventListView.as_view(), name="audit-list"),
    path("ledger/", ledger_api.LedgerGroupListView.as_view(), name="ledger-list"),
    path("equity/", equity_api.EquityView.as_view(), name="equity"),
    path("funds/", include("cities4csr.funds.api.urls")),
    path("campaigns/", include("cities4csr.campaigns.api.urls")),
    path("volunteering/", include("cities4csr.volunteering.api.urls")),
    path("open-data/", include("cities4csr.opendata.api.urls")),
    path("dashboard/", dashboard_api.DashboardView.as_view(), name="dashboard"),
    path("results/", include("cities4csr.impact.api.urls")),
    path("notifications/", core_api.NotificationListView.as_view(), name="notification-list"),
    path("notifications/read/", core_api.NotificationReadView.as_view(), name="notification-read"),
    path("needs/", need_api.NeedListView.as_view(), name="need-list"),
    path("needs.geojson", need_api.NeedGeoJSONView.as_view(), name="need-geojson"),
    path("needs/by-area/", need_api.NeedGapByAreaView.as_view(), name="need-gap-by-area"),
    path("needs/import/", need_api.NeedImportView.as_view(), name="need-import"),
    path("needs/export.csv", need_api.NeedExportCSVView.as_view(), name="need-export-csv"),
    path("needs/export.xlsx", need_api.NeedExportXLSXView.as_view(), name="need-export-xlsx"),
    path("needs/export.geojson", need_api.NeedExportGeoJSONView.as_view(), name="need-export-geojson"),
    path("needs/<int:pk>/", need_api.NeedDetailView.as_view(), name="need-detail"),
    path("needs/<int:pk>/lines/", need_api.NeedLinesView.as_view(), name="need-lines"),
    path("needs/<int:pk>/lines/<int:line_pk>/", need_api.NeedLineDetailView.as_view(), name="need-line-detail"),
    path("needs/<int:pk>/transition/", need_api.NeedTransitionView.as_view(), name="need-transition"),
    path("organisations/<int:pk>/csr-profile/", offer_api.CsrProfileView.as_view(), name="organisation-csr-profile"),
    path("offers/", offer_api.OfferListView.as_view(), name="offer-list"),
    path("offers/<int:pk>/", offer_api.OfferDetailView.as_view(), name="offer-detail"),
    path(
        "organisations/<int:pk>/recommendations/",
        matching_api.OrganisationRecommendationsView.as_view(),
        name="organisation-recommendations",
    ),
    path("allocation/", matching_api.CityAllocationView.as_view(), name="city-allocation"),
    path("needs/<int:pk>/helpers/", matching_api.NeedHelpersView.as_view(), name="need-helpers"),
    path("needs/<int:pk>/notify/", matching_api.NeedNotifyView.as_view(), name="need-notify"),
    path("needs/<int:pk>/pool/", matching_api.NeedPoolView.as_view(), name="need-pool"),
    path(
        "invitations/<int:pk>/transition/",
        matching_api.InvitationTransitionView.as_view(),
        name="invitation-transition",
    ),
    path("pledges/", pledge_api.PledgeListView.as_view(), name="pledge-list"),
    path("pledges/<int:pk>/", pledge_api.PledgeDetailView.as_view(), name="pledge-detail"),
    path("pledges/<int:pk>/transition/", pledge_api.PledgeTransitionView.as_view(), name="pledge-transition"),
    path("pledges/<int:pk>/evidence/", pledge_api.EvidenceView.as_view(), name="pledge-evidence"),
    path(
        "pledges/<int:pk>/evidence/<int:evidence_pk>/replace/",
        pledge_api.EvidenceCorrectView.as_view(action="replace"),
        name="pledge-evidence-replace",
    ),
    path(
        "pledges/<int:pk>/evidence/<int:evidence_pk>/withdraw/",
        pledge_api.EvidenceCorrectView.as_view(action="withdraw"),
        name="pledge-evidence-withdraw",
    ),
    path(
        "pledges/<int:pk>/partners/<int:organisation_pk>/transition/",
        pledge_api.PartnershipTransitionView.as_view(),
        name="pledge-partner-transition",
    ),
    path("api-keys/", api_key_api.ApiKeyListView.as_view(), name="api-key-list"),
    path("api-keys/<int:pk>/revoke/", api_key_api.ApiKeyRevokeView.as_view(), name="api-key-revoke"),
    path("advisor/", instrument_api.AdvisorView.as_view(), name="advisor"),
    path("pledges/<int:pk>/agreement/", instrument_api.AgreementView.as_view(), name="pledge-agreement"),
    path(
        "pledges/<int:pk>/agreement/notice/",
        instrument_api.AgreementNoticeView.as_view(),
        name="pledge-agreement-notice",
    ),
    path(
        "pledges/<int:pk>/agreement/conclude/",
        instrument_api.AgreementConcludeView.as_view(),
        name="pledge-agreement-conclude",
    ),
    path(
        "pledges/<int:pk>/agreement/terms/",
        instrument_api.AgreementTermsView.as_view(),
        name="pledge-agreement-terms",
    ),
    path(
        "pledges/<int:pk>/agreement/returns/",
        instrument_api.AgreementReturnsView.as_view(),
        name="pledge-agreement-returns",
    ),
]

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # the split view serves Swagger UI's set-up as a script of its own: no inline script under the
    # CSP. (No Redoc page: its styles are inline <style> elements the CSP refuses.)
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("cities/", city_api.CityListView.as_view(), name="city-list"),
    path("me/data/", privacy_api.MyDataView.as_view(), name="me-data"),
    path("me/erase/", privacy_api.MyErasureView.as_view(), name="me-erase"),
    # card payment providers' notifications: one address for the site's cities (funds, ADR 0029)
    path("payments/", include("cities4csr.funds.api.payment_urls")),
    path("cities/<slug:city_slug>/", include(city_patterns)),
]
