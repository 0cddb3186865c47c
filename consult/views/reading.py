"""reading (being built)"""

from django.http import Http404
from django.urls import path


def report_list(request):
    raise Http404


urlpatterns = [
    path("reports/", report_list, name="report_list"),
]
