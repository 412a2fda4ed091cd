from django.http import HttpResponse
from django.urls import path
from django.views.generic import ListView

from .models import Item


def hello(request):
    return HttpResponse("ok\n", content_type="text/plain")


urlpatterns = [
    path("hello/", hello),
    path("list/", ListView.as_view(model=Item, paginate_by=20, template_name="list.html")),
]
