from django.urls import path

from . import views

urlpatterns = [
    path("advisor/", views.AdvisorFormView.as_view(), name="advisor"),
    path("advisor/result/", views.AdvisorResultView.as_view(), name="advisor_result"),
    path("instruments/", views.InstrumentListView.as_view(), name="instrument_list"),
    path("instruments/<slug:code>/", views.InstrumentDetailView.as_view(), name="instrument_detail"),
    path("pledges/<int:pk>/agreement/", views.PledgeAdvisorView.as_view(), name="pledge_advisor"),
    path(
        "pledges/<int:pk>/agreement/notice/",
        views.AgreementActionView.as_view(action="notice"),
        name="agreement_notice",
    ),
    path(
        "pledges/<int:pk>/agreement/conclude/",
        views.AgreementActionView.as_view(action="conclude"),
        name="agreement_conclude",
    ),
    path(
        "pledges/<int:pk>/agreement/steps/done/",
        views.AgreementActionView.as_view(action="step"),
        name="agreement_step_done",
    ),
    path(
        "pledges/<int:pk>/agreement/returns/",
        views.AgreementActionView.as_view(action="return"),
        name="agreement_return_add",
    ),
    path(
        "pledges/<int:pk>/agreement/drafts/",
        views.AgreementActionView.as_view(action="drafts"),
        name="agreement_drafts",
    ),
    path(
        "pledges/<int:pk>/agreement/terms/",
        views.AgreementActionView.as_view(action="terms"),
        name="agreement_terms",
    ),
    path("drafts/<int:pk>/", views.DraftDownloadView.as_view(), name="agreement_draft_download"),
]
