"""Publishing: rendering posts, their permalinks, the _posts directory, images, versions and the site's pages."""
