"""authoring"""

urlpatterns: list = []
