"""Publishing: posts rendered, permalinks, _posts, images, versions and the site's pages."""
