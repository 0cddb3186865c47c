from .views import authoring, dashboard, reading, topics

app_name = "consult"

# Each page group keeps its routes beside its views.
urlpatterns = [
    *topics.urlpatterns,
    *authoring.urlpatterns,
    *reading.urlpatterns,
    *dashboard.urlpatterns,
]
