"""dashboard (being built)"""

from django.http import Http404
from django.urls import path


def dashboard(request):
    raise Http404


urlpatterns = [
    path("dashboard/", dashboard, name="dashboard"),
]
