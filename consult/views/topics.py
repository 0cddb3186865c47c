"""topics (being built)"""

from django.http import Http404
from django.urls import path


def topic_list(request):
    raise Http404


urlpatterns = [
    path("topics/", topic_list, name="topic_list"),
]
