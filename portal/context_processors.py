from .models import SiteProfile


def site(request):
    """The centre's profile for the header and footer of every page."""
    return {"site_profile": SiteProfile.current()}
