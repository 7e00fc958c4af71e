"""Page URLs, all under the language prefix: /<lang>/ and /<lang>/<city>/…"""

from django.urls import include, path

from cities4csr.cities import views as city_views
from cities4csr.core import views as core_views
from cities4csr.homes import views as home_views
from cities4csr.needs import views as need_views
from cities4csr.offers import views as offer_views
from cities4csr.organisations import views as organisation_views
from cities4csr.privacy import views as privacy_views

from . import views
from .officer import LISTS as OFFICER_LISTS
from .officer import OfficerActivityView, OfficerListView

city_patterns = [
    path("", home_views.CityHomeView.as_view(), name="city_home"),
    path("areas/<slug:kind>/<str:code>/", home_views.AreaDetailView.as_view(), name="area_detail"),
    path("data/", city_views.DataSourcesView.as_view(), name="data_sources"),
    path("places/search/", city_views.PlaceSearchView.as_view(), name="place_search"),
    path("places/geocode/", city_views.PlaceGeocodeView.as_view(), name="place_geocode"),
    path("accessibility/", city_views.AccessibilityStatementView.as_view(), name="accessibility_statement"),
    path("privacy/", privacy_views.PrivacyNoticeView.as_view(), name="privacy_notice"),
    path("cookies/", privacy_views.CookieNoticeView.as_view(), name="cookie_notice"),
    path("ping/", views.PingView.as_view(), name="city_ping"),
    # the former address of the activity page, kept for bookmarks and the header's link
    path("audit/", OfficerActivityView.as_view(), name="audit_trail"),
    path("inbox/", core_views.InboxView.as_view(), name="inbox"),
    path("inbox/<int:pk>/", core_views.NotificationOpenView.as_view(), name="notification_open"),
    path("organisations/", include("cities4csr.organisations.urls")),
    path("manage/", home_views.AdminHomeView.as_view(), name="manage_home"),
    path("manage/", include("cities4csr.organisations.manage_urls")),
    path("manage/settings/", city_views.CitySettingsView.as_view(), name="city_settings"),
    path("manage/themes/", need_views.CityThemesView.as_view(), name="city_themes"),
    path("manage/themes/new/", need_views.CityThemeFormView.as_view(), name="city_theme_create"),
    path("manage/themes/<int:pk>/", need_views.CityThemeFormView.as_view(), name="city_theme_edit"),
    path(
        "invitations/<str:token>/",
        organisation_views.InvitationAcceptView.as_view(),
        name="city_invitation_accept",
    ),
    path("needs/", include("cities4csr.needs.urls")),
    path("pledges/", include("cities4csr.pledges.urls")),
    path("funds/", include("cities4csr.funds.urls")),
    path("workspace/officer/funds/", include("cities4csr.funds.manage_urls")),
    path("campaigns/", include("cities4csr.campaigns.urls")),
    path("workspace/officer/campaigns/", include("cities4csr.campaigns.manage_urls")),
    path("volunteering/", include("cities4csr.volunteering.urls")),
    path("dashboard/", include("cities4csr.impact.dashboard_urls")),
    path("workspace/volunteering/", include("cities4csr.volunteering.manage_urls")),
    path("results/", include("cities4csr.impact.urls")),
    path("workspace/results/", include("cities4csr.impact.manage_urls")),
    path("", include("cities4csr.instruments.urls")),
    path("matching/", include("cities4csr.matching.urls")),
    path("open-data/", include("cities4csr.opendata.urls")),
    path("equity/", include("cities4csr.impact.equity_urls")),
    path("account/api-keys/", include("cities4csr.accounts.apikeys.urls")),
    path("workspace/officer/", home_views.OfficerHomeView.as_view(), name="officer_workspace"),
    *[
        path(f"workspace/officer/{key}/", OfficerListView.as_view(kind=key), name=f"officer_{key}")
        for key in OFFICER_LISTS
    ],
    path("workspace/officer/activity/", OfficerActivityView.as_view(), name="officer_activity"),
    path("workspace/company/", home_views.CompanyHomeView.as_view(), name="company_workspace"),
    path("workspace/company/statement/", include("cities4csr.reporting.urls")),
    path("workspace/partner/", home_views.PartnerHomeView.as_view(), name="partner_home"),
    path("workspace/volunteer/", home_views.VolunteerHomeView.as_view(), name="volunteer_home"),
    path("workspace/company/offers/<int:pk>/", offer_views.OfferEditView.as_view(), name="offer_edit"),
]

urlpatterns = [
    path("", views.NetworkHomeView.as_view(), name="network_home"),
    path("me/", home_views.MyHomesView.as_view(), name="my_homes"),
    path("account/e-mails/", core_views.EmailPreferencesView.as_view(), name="email_preferences"),
    path("cookies/", privacy_views.CookieNoticeView.as_view(), name="network_cookie_notice"),
    path("<slug:city_slug>/", include(city_patterns)),
]
