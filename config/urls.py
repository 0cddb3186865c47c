from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts import views as account_views
from accounts.urls import data_urlpatterns

urlpatterns = [
    path("", account_views.home, name="home"),
    path("healthz", account_views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("problems/", include("problems.urls")),
    path("experts/", include("experts.urls")),
    path("consult/", include("consult.urls")),
    path("data/", include((data_urlpatterns, "data"))),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

admin.site.site_header = admin.site.site_title = _("CAST Think-Tank Platform")

handler500 = "accounts.views.server_error"
