"""The API documentation page (Swagger UI) works under the Content-Security-Policy:
no inline script or style, nothing refused. (Third-party pages: no axe-core walk here.)"""

from .conftest import check_csp, watch_csp


def test_swagger_ui_draws_without_csp_violation(page, server):
    watch_csp(page)
    page.goto(server + "/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .opblock", timeout=20000)
    check_csp(page)
